// Sinks: where rendered records go.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "jot/formatter.h"
#include "jot/record.h"

namespace jot {

/// A destination for records.
///
/// Threading contract: write() and flush() are called only from jot's writer
/// thread, or, once the writer has stopped, under jot's sink lock; never from
/// two threads at once. A sink therefore needs no locking of its own. They
/// must not throw: report failures through jot::report_error().
class sink {
 public:
  explicit sink(std::shared_ptr<formatter> f = nullptr);
  virtual ~sink();
  sink(const sink&) = delete;
  sink& operator=(const sink&) = delete;

  /// `line` is `rec` rendered by this sink's formatter.
  virtual void write(const record_view& rec, std::string_view line) = 0;
  /// Hands buffered bytes to the operating system.
  virtual void flush() = 0;

  formatter& get_formatter() const noexcept { return *formatter_; }
  const std::shared_ptr<formatter>& formatter_ptr() const noexcept { return formatter_; }

 private:
  std::shared_ptr<formatter> formatter_;
};

struct file_options {
  bool truncate = false;                             // start an empty file instead of appending
  std::size_t buffer_bytes = std::size_t{64} << 10;  // written to the file when full, and on flush
  std::shared_ptr<formatter> format;                 // default: pattern_formatter()
};

/// Appends to a file. A file that cannot be opened is reported through the
/// error handler and opening is tried again at most once a second; records
/// wait in memory meanwhile, up to 16 MiB, after which further records are
/// counted as lost and the count is reported once the file opens. A failed
/// write is reported once per kind of failure, and its bytes are lost. A
/// file deleted or renamed underneath (log rotation) is noticed at a flush,
/// at most once a second, reported, and created again.
std::shared_ptr<sink> file_sink(std::string path, file_options options = {});

enum class console_stream { out, err };

/// Whether the console sink colours level names.
enum class console_colors {
  /// When the stream is a terminal and NO_COLOR is unset or empty
  /// (https://no-color.org). Decided when the sink is made.
  automatic,
  always,
  never,
};

/// Writes to standard output or standard error. With colours, the first
/// occurrence of the record's level name in each line ("WARN" or "warn")
/// is coloured: trace and debug dim, info green, warn yellow, error red,
/// critical bold red.
std::shared_ptr<sink> console_sink(console_stream stream = console_stream::out,
                                   std::shared_ptr<formatter> format = nullptr,
                                   console_colors colors = console_colors::automatic);

/// Hands a problem to the error handler (see jot::options::error_handler).
/// Safe to call from any thread; never throws.
void report_error(std::string_view message) noexcept;

}  // namespace jot
