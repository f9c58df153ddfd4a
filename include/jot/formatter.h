// Formatters turn a record into the bytes a sink writes.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "jot/record.h"

namespace jot {

/// Renders records. Called only from the writer thread (or under jot's sink
/// lock once the writer has stopped), so implementations need no locking.
/// One formatter shared by several sinks renders each record once.
class formatter {
 public:
  virtual ~formatter() = default;
  /// Appends the rendered record, including its line end, to `out`.
  virtual void format(const record_view& rec, std::string& out) = 0;
};

enum class time_zone { utc, local };

/// Thrown by setup calls (pattern_formatter, ...) given an invalid argument.
class config_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The default pattern:
/// "2026-11-22 07:26:06.123456789 INFO  [1234] app: message (main.cc:12)".
inline constexpr std::string_view default_pattern =
    "{timestamp} {level:<5} [{thread_id}] {logger}: {message} ({source})";

/// A text formatter driven by a pattern of literal text and {tokens}:
///
/// | token           | renders                                              |
/// |-----------------|------------------------------------------------------|
/// | `{timestamp}`   | `2026-11-22 07:26:06.123456789` (to the nanosecond)  |
/// | `{iso8601}`     | `2026-11-22T07:26:06.123456789Z` (UTC) or `+01:00`   |
/// | `{date}` `{time}` | `2026-11-22` and `07:26:06.123456789`              |
/// | `{epoch_ns}`    | nanoseconds since the Unix epoch                     |
/// | `{level}`       | `INFO`; `{level_lower}` gives `info`                  |
/// | `{logger}`      | the logger's name                                    |
/// | `{thread_id}` `{thread_name}` | the kernel thread id and the thread's name |
/// | `{file}` `{path}` `{line}` `{source}` | base name, full path, line, `file:line` |
/// | `{function}`    | the enclosing function                               |
/// | `{message}`     | the rendered message, control characters escaped     |
///
/// A token may carry an alignment and width, as in `{level:<5}` or
/// `{thread_id:>7}`; `{{` and `}}` are literal braces. A line end is added.
/// Newlines and other control characters in the message are written as
/// `\n`, `\t`, `\x1b`..., so no message can forge a log line.
/// Throws config_error for an unknown token or an unbalanced brace.
std::shared_ptr<formatter> pattern_formatter(std::string_view pattern = default_pattern,
                                             time_zone tz = time_zone::utc);

}  // namespace jot
