// Level specs: the text of JOT_LEVEL and jot::configure_levels(), such as
// "warn,orders=debug,net.*=trace". Parsed off the hot path; what a spec
// gives each logger is applied by the registry (src/logger.cc).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jot/level.h"
#include "jot/logger.h"

namespace jot::detail {

// `name=level`, or `prefix*=level` (prefix may be empty: `*=level`).
struct level_rule {
  std::string pattern;  // without the '*'
  bool prefix = false;
  level lvl = level::info;
};

struct level_spec {
  std::optional<level> fallback;  // the bare level, if the spec has one
  std::vector<level_rule> rules;

  // The level the spec gives the logger `name`: the most specific rule that
  // matches (the exact name, else the longest prefix), else the bare level,
  // else nothing (the logger keeps the level it was made with).
  std::optional<level> level_for(std::string_view name) const noexcept;
};

// Parses `text` into `out`. On error returns false, leaves `out` as it was,
// and says in `err` what is wrong, at which offset, and the token there.
bool parse_level_spec(std::string_view text, level_spec& out, level_config_result& err);

// A level name as jot spells it (trace, debug, info, warn, error, critical,
// off), in any case, or "warning".
std::optional<level> parse_level_name(std::string_view s) noexcept;

}  // namespace jot::detail
