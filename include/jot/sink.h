// Sinks: where rendered records go.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "jot/export.h"
#include "jot/formatter.h"
#include "jot/level.h"
#include "jot/record.h"

namespace jot {

namespace detail {
struct sink_control;
}

/// Whether, and how often, a sink makes what it flushed durable
/// (sink::sync(): fdatasync for files).
enum class fsync_policy : std::uint8_t {
  never,        // leave it to the operating system
  every_flush,  // after every flush
  interval,     // after a flush, at most once per flush_policy::fsync_every
};

/// When jot flushes a sink (hands its buffered bytes to the operating
/// system). The conditions add up: a sink is flushed when any of them says
/// so. Whatever the policy, jot::flush() and shutdown flush every sink, and
/// a sink flushes by itself when its buffer is full.
struct flush_policy {
  /// When every ring is empty and the writer is about to rest.
  bool on_idle = true;
  /// When the oldest record not yet flushed is this old (0: never). Bounds
  /// how stale the file can be while records keep coming; a napping writer
  /// wakes for it (and for an owed sync, below).
  std::chrono::milliseconds every{1000};
  /// After this many records since the last flush (0: never).
  std::size_t every_records = 0;
  /// Right after each record at or above this level (level::off: never).
  level at_level = level::off;
  fsync_policy fsync = fsync_policy::never;
  /// fsync_policy::interval: the shortest time between two syncs. A flush
  /// sooner than that leaves the sync owed; the writer makes it when the
  /// time has come, and jot::flush() at once.
  std::chrono::milliseconds fsync_every{1000};
};

/// A destination for records.
///
/// Threading contract: write(), flush() and sync() are called by jot under
/// the sink's own lock: from the writer thread, from a thread logging to a
/// logger in delivery::sync mode, or, once the writer has stopped, from the
/// thread writing synchronously. Never from two threads at once, so a sink
/// needs no locking of its own. They must not throw: report failures
/// through jot::report_error().
class JOT_API sink {
 public:
  explicit sink(std::shared_ptr<formatter> f = nullptr);
  virtual ~sink();
  sink(const sink&) = delete;
  sink& operator=(const sink&) = delete;

  /// `line` is `rec` rendered by this sink's formatter.
  virtual void write(const record_view& rec, std::string_view line) = 0;
  /// Hands buffered bytes to the operating system.
  virtual void flush() = 0;
  /// Makes the bytes flushed so far durable (fsync), when the flush policy
  /// asks for it. Default: nothing.
  virtual void sync() {}
  /// Asked after each flush(): true while the sink still holds records it
  /// could not hand over yet (a file that cannot be opened). jot then keeps
  /// calling flush() whenever it looks after its sinks (the sink decides
  /// how often it really retries), whether or not more records come, and
  /// reports at shutdown a sink that still holds some. Default: false.
  virtual bool holds_unwritten() const noexcept { return false; }

  formatter& get_formatter() const noexcept { return *formatter_; }
  const std::shared_ptr<formatter>& formatter_ptr() const noexcept { return formatter_; }

  /// When jot flushes this sink; may be changed at any time. Default: see
  /// flush_policy's members.
  void set_flush_policy(const flush_policy& p);
  flush_policy get_flush_policy() const;

 private:
  friend struct detail::sink_control;
  std::shared_ptr<formatter> formatter_;
  std::unique_ptr<detail::sink_control> control_;  // lock and flush bookkeeping
};

struct file_options {
  bool truncate = false;                             // start an empty file instead of appending
  std::size_t buffer_bytes = std::size_t{64} << 10;  // written to the file when full, and on flush
  std::shared_ptr<formatter> format;                 // default: pattern_formatter()
};

/// Appends to a file. A file that cannot be opened is reported through the
/// error handler and opening is tried again at most once a second, whether
/// or not more records come; records wait in memory meanwhile, up to
/// 16 MiB, after which further records are counted as lost and the count is
/// reported once the file opens. Records still waiting at shutdown are
/// reported too (they are lost if the process then exits). A failed
/// write is reported once per kind of failure, and its bytes are lost.
///
/// Before each write(2) the sink checks that the path still names its
/// file: records not yet written when the file was renamed or deleted
/// underneath (log rotation by another program) go to a file created anew
/// at the path, and the error handler hears of it. jot::reopen() (or
/// SIGHUP, with options::reopen_on_sighup) reopens the path without a
/// report. Each write(2) carries whole records, in O_APPEND mode, so
/// several processes may append to one file (and `copytruncate` is safe).
JOT_API std::shared_ptr<sink> file_sink(std::string path, file_options options = {});

/// How rotated files are named: `app.log` is rotated to
///   sequence:  `app.log.000001`, `app.log.000002`, ... (one more each time)
///   timestamp: `app.log.20261204-183000.250` (when it was rotated, to the
///              millisecond, local time or UTC as rotation_options::utc)
/// Either way the names sort in time order and no file is renamed twice.
enum class rotated_names : std::uint8_t { sequence, timestamp };

enum class compression : std::uint8_t {
  none,
  gzip,  // `app.log.000001.gz`, made by a background thread
};

/// What rotating_file_sink() rotates on and what it keeps. Conditions add
/// up: any one of them rotates. 0 means "no limit" for every limit.
struct rotation_options {
  /// Rotate before a record would take the file past this many bytes. A
  /// record larger than this is written whole, alone in a file (reported).
  std::uint64_t max_bytes = 0;
  /// Rotate at each time boundary: every `every` from midnight, shifted by
  /// `at` (hourly: every = 1h; daily at 02:30: every = 24h, at = 150min).
  /// Decided by the records' timestamps; at most 24h.
  std::chrono::seconds every{0};
  std::chrono::seconds at{0};
  /// Boundaries and timestamp names in UTC rather than local time.
  bool utc = false;
  /// Rotate a non-empty file left by an earlier run when the sink is made.
  bool on_start = false;
  rotated_names names = rotated_names::sequence;
  /// Retention, applied at every rotation and when the sink is made, to
  /// the rotated files of this name in the directory (earlier runs' too;
  /// other files are never touched): the oldest go first.
  std::size_t max_files = 0;
  std::uint64_t max_total_bytes = 0;  // of the rotated files, compressed or not
  std::chrono::seconds max_age{0};    // by modification time
  compression compress = compression::none;
  int gzip_level = 6;  // 1 (fast) .. 9 (small)
  /// Make each rotated file durable (fdatasync, and the directory) on the
  /// background thread before compressing or deleting anything.
  bool sync_rotated = true;
  std::size_t buffer_bytes = std::size_t{64} << 10;
  std::shared_ptr<formatter> format;  // default: pattern_formatter()
};

/// A file sink that rotates its file. The file keeps its name (`tail -F`
/// and collectors that follow the path keep working); rotation renames it
/// (one rename, never over an existing file) and opens the path anew, on
/// the writer thread between two records, so a record is never split
/// across files. Syncing, compression and deletion of rotated files run on
/// a background thread of low priority; the writer never waits for them.
/// Leftovers of a crash (a half-written `.gz.tmp`, an original beside its
/// finished `.gz`) are cleaned up when the sink is made. Everything else
/// is as file_sink(). One process per rotating file: see the README.
///
///     auto s = jot::rotating_file_sink("/var/log/app/app.log",
///         {.max_bytes = 100 << 20, .every = std::chrono::hours(24),
///          .max_files = 30, .compress = jot::compression::gzip});
JOT_API std::shared_ptr<sink> rotating_file_sink(std::string path, rotation_options options = {});

/// Makes every file sink open its path anew before it next writes (after
/// another program rotated the files). Safe from any thread; cheap.
JOT_API void reopen() noexcept;

enum class console_stream { out, err };

/// Whether the console sink colours level names.
enum class console_colors {
  /// When the stream is a terminal and NO_COLOR is unset or empty
  /// (https://no-color.org). Decided when the sink is made.
  automatic,
  always,
  never,
};

/// Writes to standard output or standard error. With colours, the level
/// name a pattern_formatter wrote ({level} or {level_lower}) is coloured:
/// trace and debug dim, info green, warn yellow, error red, critical bold
/// red. Lines from other formatters (JSON, logfmt, your own) are written as
/// they are, so they stay what their format says.
JOT_API std::shared_ptr<sink> console_sink(console_stream stream = console_stream::out,
                                           std::shared_ptr<formatter> format = nullptr,
                                           console_colors colors = console_colors::automatic);

/// Hands a problem to the error handler (see jot::options::error_handler).
/// Safe to call from any thread; never throws.
JOT_API void report_error(std::string_view message) noexcept;

}  // namespace jot
