#include "frontend/level_spec.h"

#include <cstddef>

#include <fmt/format.h>

namespace jot::detail {

namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t'; }

// [begin, end) of `s` without the spaces and tabs around it.
void trim(std::string_view s, std::size_t& begin, std::size_t& end) noexcept {
  while (begin < end && is_space(s[begin])) ++begin;
  while (end > begin && is_space(s[end - 1])) --end;
}

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool fail(level_config_result& err, std::string_view text, std::size_t at, std::size_t len,
          std::string what) {
  err.error = std::move(what);
  err.position = at;
  err.token = std::string(text.substr(at, len));
  return false;
}

constexpr std::string_view expected_levels =
    "expected trace, debug, info, warn, error, critical or off";

}  // namespace

std::optional<level> parse_level_name(std::string_view s) noexcept {
  constexpr std::string_view names[] = {"trace", "debug",    "info", "warn",
                                        "error", "critical", "off"};
  char buf[9];
  if (s.size() > sizeof buf) return std::nullopt;
  for (std::size_t i = 0; i < s.size(); ++i) buf[i] = lower(s[i]);
  const std::string_view l(buf, s.size());
  for (std::size_t i = 0; i < std::size(names); ++i) {
    if (l == names[i]) return static_cast<level>(i);
  }
  if (l == "warning") return level::warn;
  return std::nullopt;
}

std::optional<level> level_spec::level_for(std::string_view name) const noexcept {
  const level_rule* best = nullptr;
  for (const level_rule& r : rules) {
    if (!r.prefix) {
      if (r.pattern == name) return r.lvl;  // an exact name beats every prefix
      continue;
    }
    if (name.starts_with(r.pattern) &&
        (best == nullptr || r.pattern.size() > best->pattern.size())) {
      best = &r;
    }
  }
  if (best != nullptr) return best->lvl;
  return fallback;
}

bool parse_level_spec(std::string_view text, level_spec& out, level_config_result& err) {
  level_spec spec;
  std::size_t item = 0;
  // An empty spec (or only blanks) is valid: no default, no rules.
  std::size_t b0 = 0;
  std::size_t e0 = text.size();
  trim(text, b0, e0);
  if (b0 == e0) {
    out = std::move(spec);
    return true;
  }
  for (;;) {
    std::size_t end = text.find(',', item);
    if (end == std::string_view::npos) end = text.size();
    std::size_t b = item;
    std::size_t e = end;
    trim(text, b, e);
    if (b == e) {
      return fail(err, text, item, end - item,
                  "an empty entry (entries are separated by single commas)");
    }
    const std::string_view entry = text.substr(b, e - b);
    const std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) {
      const std::optional<level> l = parse_level_name(entry);
      if (!l)
        return fail(err, text, b, e - b, fmt::format("an unknown level ({})", expected_levels));
      if (spec.fallback) {
        return fail(err, text, b, e - b,
                    "a second default level (a spec has at most one entry without '=')");
      }
      spec.fallback = l;
    } else {
      std::size_t nb = b;
      std::size_t ne = b + eq;
      trim(text, nb, ne);
      std::size_t lb = b + eq + 1;
      std::size_t le = e;
      trim(text, lb, le);
      if (nb == ne) return fail(err, text, b, e - b, "a logger name is missing before '='");
      std::string_view name = text.substr(nb, ne - nb);
      const std::size_t star = name.find('*');
      level_rule rule;
      if (star != std::string_view::npos) {
        if (star + 1 != name.size()) {
          return fail(err, text, nb + star, 1, "'*' may only end a logger name (a prefix)");
        }
        rule.prefix = true;
        name.remove_suffix(1);
      }
      if (lb == le) return fail(err, text, b, e - b, "a level is missing after '='");
      const std::optional<level> l = parse_level_name(text.substr(lb, le - lb));
      if (!l) {
        return fail(err, text, lb, le - lb, fmt::format("an unknown level ({})", expected_levels));
      }
      for (const level_rule& r : spec.rules) {
        if (r.prefix == rule.prefix && r.pattern == name) {
          return fail(err, text, nb, ne - nb, "a logger name given twice");
        }
      }
      rule.pattern = std::string(name);
      rule.lvl = *l;
      spec.rules.push_back(std::move(rule));
    }
    if (end == text.size()) break;
    item = end + 1;
  }
  out = std::move(spec);
  return true;
}

}  // namespace jot::detail
