// jot-cat's command line.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jot/formatter.h"
#include "jot/level.h"

namespace jot::cat {

enum class output { text, json, logfmt };

struct options {
  output out = output::text;
  std::string pattern{default_pattern};
  time_zone tz = time_zone::utc;
  bool ecs = false;            // JSON with Elastic Common Schema names
  std::string fields_key;      // JSON: the fields in one object member
  bool logfmt_thread = false;  // logfmt: thread_id=...
  bool logfmt_source = false;  // logfmt: source=file:line
  level min_level = level::trace;
  std::vector<std::string> loggers;  // empty: every logger
  std::int64_t since_ns = std::numeric_limits<std::int64_t>::min();
  std::int64_t until_ns = std::numeric_limits<std::int64_t>::max();
  bool follow = false;
  std::vector<std::string> files;
};

// Parses the arguments (argv[0] excluded). On an error, or for --help and
// --version, returns nothing and sets `message` (and `exit_code`: 0 for
// help and version, 2 for a usage error).
std::optional<options> parse(const std::vector<std::string_view>& args, std::string& message,
                             int& exit_code);

// "2026-11-22T07:26:06.5Z", "2026-11-22 07:26:06+01:00", "2026-11-22"
// (midnight UTC), or nanoseconds since the Unix epoch: nanoseconds since
// the epoch, or nothing if `s` is none of these.
std::optional<std::int64_t> parse_time(std::string_view s);

}  // namespace jot::cat
