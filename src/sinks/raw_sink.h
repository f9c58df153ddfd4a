// Sinks that take records as they are encoded, not rendered: the hook the
// binary log's sink uses. Internal: the record layout is jot's own.
#pragma once

#include <cstdint>
#include <string_view>

#include "jot/detail/wire.h"
#include "jot/sink.h"

namespace jot::detail {

// A record as the writer takes it from a ring, stamped.
struct raw_record {
  const record_header* rec = nullptr;  // a whole record (never an indirect entry)
  std::int64_t time_ns = 0;            // nanoseconds since the Unix epoch, UTC
  std::uint64_t thread_id = 0;
  std::string_view thread_name;
};

// A sink whose records are handed over undecoded: the dispatcher calls
// write_raw() instead of rendering the record and calling write(), and
// decodes nothing for a logger whose sinks are all raw. The threading
// contract, the flush policy and the flush(), sync() and
// holds_unwritten() calls are those of every sink (see jot::sink).
class raw_sink : public sink {
 public:
  raw_sink();
  // Views in `r` are valid for the call only.
  virtual void write_raw(const raw_record& r) = 0;
  // Never called: records come through write_raw().
  void write(const record_view&, std::string_view) final {}
};

}  // namespace jot::detail
