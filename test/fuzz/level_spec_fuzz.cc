// Fuzzes the level spec parser (JOT_LEVEL, jot::configure_levels()): any
// text is either refused with an error that points into it, or accepted
// as rules that a canonical rewrite of the spec gives back unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "frontend/level_spec.h"

namespace {

std::string canonical(const jot::detail::level_spec& s) {
  std::string out;
  if (s.fallback) out.append(jot::to_string(*s.fallback));
  for (const auto& r : s.rules) {
    if (!out.empty()) out.push_back(',');
    out.append(r.pattern);
    if (r.prefix) out.push_back('*');
    out.push_back('=');
    out.append(jot::to_string(r.lvl));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  jot::detail::level_spec spec;
  jot::level_config_result err;
  if (!jot::detail::parse_level_spec(text, spec, err)) {
    // The error says what, and where: a token that is really there.
    if (err.error.empty() || err.position > text.size()) __builtin_trap();
    if (text.substr(err.position, err.token.size()) != err.token) __builtin_trap();
    if (spec.fallback || !spec.rules.empty()) __builtin_trap();  // untouched
    return 0;
  }
  for (const auto& r : spec.rules) {
    if (r.pattern.find_first_of(",=*") != std::string::npos) __builtin_trap();
    if (!r.prefix && r.pattern.empty()) __builtin_trap();
    // A rule gives its own name its level, unless a more specific one does.
    if (!r.prefix && spec.level_for(r.pattern) != r.lvl) __builtin_trap();
  }
  // The accepted spec, written canonically, parses to the same rules.
  const std::string again = canonical(spec);
  jot::detail::level_spec spec2;
  if (!jot::detail::parse_level_spec(again, spec2, err)) __builtin_trap();
  if (canonical(spec2) != again) __builtin_trap();
  return 0;
}
