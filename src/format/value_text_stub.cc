// Temporary until the formatters land.
#include <fmt/format.h>
#include "jot/formatter.h"
namespace jot {
void append_value_text(std::string& out, const value& v) {
  switch (v.type) {
    case value_type::null:
      out += "none";
      return;
    case value_type::boolean:
      out += v.boolean ? "true" : "false";
      return;
    case value_type::int64:
      out += std::to_string(v.int64);
      return;
    case value_type::uint64:
      out += std::to_string(v.uint64);
      return;
    case value_type::float64:
      out += fmt::format("{}", v.float64);
      return;
    case value_type::string:
    case value_type::duration:
      out += v.text;
      return;
    case value_type::time:
      out += std::to_string(v.int64);
      return;
    case value_type::array:
    case value_type::object: {
      out += v.type == value_type::array ? "[" : "{";
      const value* e = v.first_child();
      for (std::uint32_t i = 0; i < v.count; ++i) {
        if (i) out += ", ";
        append_value_text(out, *e);
        e = e->next();
        if (v.type == value_type::object) {
          out += ": ";
          append_value_text(out, *e);
          e = e->next();
        }
      }
      out += v.type == value_type::array ? "]" : "}";
    }
  }
}
}  // namespace jot
