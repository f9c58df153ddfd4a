// Compressing one rotated file with zlib. Background thread only.
#pragma once

#include <string>

namespace jot::detail {

// Writes `from` compressed (gzip format) to `to`, with `from`'s
// modification time, and makes it durable if `sync`. Returns 0, or the
// errno of the failure (what failed is put in `what`); `to` is then
// removed. `from` is never changed.
int gzip_file(const std::string& from, const std::string& to, int level, bool sync,
              std::string& what);

}  // namespace jot::detail
