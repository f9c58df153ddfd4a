#include "format/json_escape.h"

namespace jot::detail {

void append_json_escaped(std::string& out, std::string_view s) { escape_json(out, s); }

}  // namespace jot::detail
