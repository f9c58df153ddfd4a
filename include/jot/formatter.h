// Formatters turn a record into the bytes a sink writes.
#pragma once

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

#include "jot/export.h"
#include "jot/record.h"

namespace jot {

namespace detail {
// A formatter's lock. Copying a formatter gives the copy a lock of its own.
struct format_lock {
  std::mutex mu;
  format_lock() = default;
  format_lock(const format_lock&) noexcept {}
  format_lock& operator=(const format_lock&) noexcept { return *this; }
};
}  // namespace detail

/// Renders records. jot calls format() under the formatter's own lock, from
/// the writer thread or from a thread logging in delivery::sync mode, so
/// implementations need no locking and may keep state between records. One
/// formatter shared by several sinks renders each record once.
///
/// A formatter may offer copies (copy_for_thread()): each thread logging in
/// delivery::sync mode then renders with a copy of its own, without the
/// lock, so several such threads render at once instead of in turn. The
/// built-in formatters do; one whose state must be shared between threads
/// (a line counter, say) keeps the default and is always called under its
/// lock.
class JOT_API formatter {
 public:
  virtual ~formatter() = default;
  /// Appends the rendered record, including its line end, to `out`.
  virtual void format(const record_view& rec, std::string& out) = 0;

  /// A new formatter that renders every record exactly as this one does,
  /// for the use of one thread, or nullptr (the default): no copies.
  /// Called under this formatter's lock, once per thread that needs it; jot
  /// destroys the copy when the thread exits, or once this formatter is
  /// gone.
  virtual std::unique_ptr<formatter> copy_for_thread() const { return nullptr; }

  // Internal: taken by jot around format().
  std::mutex& format_mutex() noexcept { return lock_.mu; }

 private:
  detail::format_lock lock_;
};

enum class time_zone { utc, local };

/// Thrown by setup calls (pattern_formatter, ...) given an invalid argument.
class JOT_API config_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The default pattern:
/// "2026-11-22 07:26:06.123456789 INFO  [1234] app: order 17 paid id=17 (main.cc:12)".
inline constexpr std::string_view default_pattern =
    "{timestamp} {level:<5} [{thread_id}] {logger}: {message}{fields} ({source})";

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
/// | `{fields}`      | ` key=value` for each field, in the record's order   |
/// |                 | (nothing when there are none), keys sanitized and    |
/// |                 | values quoted as logfmt_formatter does:              |
/// |                 | `{message}{fields}` gives `paid 9.50 id=17 amount=9.5` |
///
/// A token may carry an alignment and width, as in `{level:<5}` or
/// `{thread_id:>7}`; `{{` and `}}` are literal braces. A line end is added.
/// Newlines and other control characters in the message are written as
/// `\n`, `\t`, `\x1b`..., so no message can forge a log line; field values
/// are quoted and escaped as in logfmt, for the same reason.
/// Throws config_error for an unknown token or an unbalanced brace.
JOT_API std::shared_ptr<formatter> pattern_formatter(std::string_view pattern = default_pattern,
                                                     time_zone tz = time_zone::utc);

/// Member names of the JSON formatter's standard members, in the order
/// they are written. An empty name leaves that member out. The defaults
/// follow OpenTelemetry's log data model and semantic conventions.
struct json_keys {
  std::string_view timestamp = "timestamp";              // RFC 3339, UTC, nanoseconds
  std::string_view level = "level";                      // "info"
  std::string_view severity_number = "severity_number";  // OpenTelemetry: 9 for info
  std::string_view logger = "logger";
  std::string_view message = "message";                    // rendered
  std::string_view message_template = "message_template";  // the format as written
  std::string_view thread_id = "thread.id";
  std::string_view thread_name = "thread.name";  // left out when the thread has none
  std::string_view file = "code.file.path";
  std::string_view line = "code.line.number";
  std::string_view function = "code.function.name";
};

/// Elastic Common Schema names, for Elasticsearch and Kibana.
inline constexpr json_keys ecs_keys{
    .timestamp = "@timestamp",
    .level = "log.level",
    .severity_number = "",
    .logger = "log.logger",
    .message = "message",
    .message_template = "",
    .thread_id = "process.thread.id",
    .thread_name = "process.thread.name",
    .file = "log.origin.file.name",
    .line = "log.origin.file.line",
    .function = "log.origin.function",
};

struct json_options {
  json_keys keys = {};
  /// If not empty, the fields go into one object member of this name
  /// (`"attributes": {...}`, `{}` when there are none) instead of beside
  /// the standard members.
  std::string_view fields_key = {};
};

/// JSON lines: one object per record, one record per line, always valid
/// UTF-8 JSON whatever bytes the record held.
///
///     {"timestamp":"2026-11-22T07:26:06.123456789Z","level":"info",
///      "severity_number":9,"logger":"orders","message":"order 17 paid 9.50",
///      "message_template":"order {id} paid {amount:.2f}","thread.id":4242,
///      "code.file.path":"src/orders.cc","code.line.number":12,
///      "code.function.name":"pay","id":17,"amount":9.5}
///
/// (on one line). Values keep their types: integers are JSON integers,
/// floats JSON numbers that read back as floats (the shortest exact form,
/// with ".0" added to a whole number: `1.0`; NaN and infinities are the
/// strings "NaN", "Infinity", "-Infinity"), booleans are booleans, an empty
/// optional is null, containers are arrays, maps are objects (non-string
/// keys written as their text: `{"1":"one"}`), durations are strings as the
/// message shows them ("250ms"), time points RFC 3339 strings in UTC with
/// nanoseconds. Strings, keys included, are escaped as append_json_string
/// does. A field whose key is also a standard member's (in use) is written
/// as "fields.<key>" (not inside `fields_key`, where nothing clashes); when
/// several fields are written under one name, the last one (the call's over
/// scope's over bound) wins and the others are left out.
/// Throws config_error if two standard members, or a standard member and
/// `fields_key`, share a name.
JOT_API std::shared_ptr<formatter> json_formatter(json_options options = {});

struct logfmt_options {
  bool with_thread = false;  // thread_id=...
  bool with_source = false;  // source=file.cc:12
};

/// logfmt: `time=2026-11-22T07:26:06.123456789Z level=info logger=orders
/// msg="order 17 paid 9.50" id=17 amount=9.5`, with `thread_id=4242` and
/// `source=orders.cc:12` after `msg` if asked for. A value is written bare
/// if it is not empty and holds no space, `=`, `"`, `\`, control character
/// (C0, DEL, C1) or Unicode line separator (U+2028, U+2029); otherwise it
/// is quoted, with `"` and `\` escaped, `\n` `\r` `\t` as such and other
/// controls and separators as `\u001b`, `\u0085`, `\u2028`... Other bytes
/// are written as they are, ill-formed UTF-8 included (logfmt has no escape
/// for a byte; none of them can end a line). Keys are written as given, with
/// each byte other than an ASCII letter, a digit or `_ . - / @` replaced by
/// `_` (an empty key is `_`); a field named like a standard key (`time`,
/// `level`, `logger`, `msg`, and `thread_id`, `source` when written) is
/// written as `fields.<key>`, so that no field can pass for the record's
/// own. Every field is written, repeated keys included, in the record's
/// order. Values are written as append_value_text shows them (containers
/// `"[1, 2]"`), quoted as needed.
JOT_API std::shared_ptr<formatter> logfmt_formatter(logfmt_options options = {});

/// For formatters of your own: appends `v` as the text formatters show it:
/// strings as they are (unescaped), numbers as fmt's `{}` writes them
/// (`9.5`, `1`, `nan`), `true`/`false`, `none` for an empty optional,
/// durations as the message shows them (`250ms`), time points in RFC 3339
/// (UTC, nanoseconds), containers as fmt writes ranges: `[1, 2]`,
/// `{"k": 1}`, with strings inside them quoted and escaped (`["a\"b"]`).
JOT_API void append_value_text(std::string& out, const value& v);
/// Appends `v` as a JSON value (see json_formatter for the mapping).
JOT_API void append_value_json(std::string& out, const value& v);
/// Appends `s` as a quoted JSON string: valid JSON and UTF-8 whatever the
/// bytes. `"` and `\` are escaped, control characters (C0, DEL, C1) and
/// U+2028, U+2029 written as `\n`, `\u001b`..., and each ill-formed UTF-8
/// sequence replaced by U+FFFD.
JOT_API void append_json_string(std::string& out, std::string_view s);

}  // namespace jot
