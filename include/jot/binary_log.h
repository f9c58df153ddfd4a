// The binary log: records written as they are encoded, read back later.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "jot/export.h"
#include "jot/record.h"
#include "jot/sink.h"

namespace jot {

struct binary_file_options {
  bool truncate = false;                             // start an empty file instead of appending
  std::size_t buffer_bytes = std::size_t{64} << 10;  // written to the file when full, and on flush
};

/// Writes records in jot's binary log format: the arguments as the caller
/// encoded them, and, once per file, what is needed to decode them (call
/// sites with their formats, names and types; loggers; threads). Nothing is
/// formatted on the writer, so it keeps up with a much higher rate than a
/// text sink, and files are several times smaller. Read the files with
/// `jot-cat` or binary_log_reader, which give, byte for byte, what the text
/// sinks would have written for the same records.
///
///     auto& log = jot::make_logger("app", {jot::binary_file_sink("app.jotlog")});
///     JOT_INFO(log, "order {id} paid {amount:.2f}", 17, 9.5);
///     // later: jot-cat app.jotlog        (text)
///     //        jot-cat -o json app.jotlog
///
/// Each file decodes on its own; appending to an existing file starts a
/// new segment that does too. A file cut short (a crash) decodes up to its
/// last whole record. Opening, failures and a file removed underneath
/// behave as for file_sink. User types opted into deferred formatting
/// (jot::defer_format) are the one thing formatted on the writer: their
/// text, made with their placeholder's spec, goes into the file.
JOT_API std::shared_ptr<sink> binary_file_sink(std::string path, binary_file_options options = {});

/// A binary_file_sink whose file rotates as rotating_file_sink's does:
/// by size (max_bytes) and time (every, at), with the same names,
/// retention, compression and recovery (options.format is not used). Each
/// file, the rotated ones and the active one, starts with what its records
/// need and decodes on its own; `jot-cat` given several prints them merged
/// in time order.
///
///     auto s = jot::rotating_binary_file_sink("/var/log/app/app.jotlog",
///         {.max_bytes = 100 << 20, .max_files = 30, .compress = jot::compression::gzip});
///     // later: jot-cat /var/log/app/app.jotlog.* /var/log/app/app.jotlog
JOT_API std::shared_ptr<sink> rotating_binary_file_sink(std::string path,
                                                        rotation_options options = {});

/// Decodes a binary log from bytes handed to it in order, as they arrive
/// (a whole file, or a growing one read piece by piece).
///
///     jot::binary_log_reader reader;
///     reader.feed(bytes);
///     reader.close_input();
///     jot::record_view rec;
///     auto text = jot::pattern_formatter();
///     std::string out;
///     while (reader.next(rec) == jot::binary_log_reader::status::record) {
///       text->format(rec, out);
///     }
///     std::string why = reader.finish();  // empty: the input ended cleanly
///
/// Damaged bytes never make it crash or read outside its input: next()
/// says `failed`, error() says where and why, and the following calls look
/// for the next segment and go on from there.
class JOT_API binary_log_reader {
 public:
  enum class status {
    record,     // `rec` holds the next record
    need_more,  // every whole entry fed so far is decoded
    failed,     // damaged input, or a format this jot cannot read: see error()
  };

  binary_log_reader();
  ~binary_log_reader();
  binary_log_reader(const binary_log_reader&) = delete;
  binary_log_reader& operator=(const binary_log_reader&) = delete;

  /// Appends bytes of the input.
  void feed(std::string_view bytes);
  /// Says that no more bytes will come: an entry that claims more bytes
  /// than the input holds is then damage if a segment follows it (next()
  /// says `failed` and goes on there), or the input's cut end (finish()).
  void close_input() noexcept;
  /// The next record. Its views stay valid until the next call of next()
  /// or feed().
  status next(record_view& rec);
  /// After `failed`: "offset N: what is wrong".
  const std::string& error() const noexcept;
  /// True once the input is known to be unreadable to the end (a format
  /// version this jot does not know, or not a binary log at all).
  bool fatal() const noexcept;
  /// Call when the input is complete: empty if it ended after a whole
  /// entry, else where and why decoding stopped (a file cut short).
  std::string finish() const;
  /// Records decoded so far.
  std::uint64_t records() const noexcept;
  /// Bytes of the input consumed so far (whole entries and skipped bytes).
  std::uint64_t offset() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Decodes the binary log at `path`, calling `on_record` for each record
/// in the file's order. Returns an empty string if the whole file decoded,
/// else every problem met, one per line (a file that cannot be read, a
/// damaged part, a file cut short).
JOT_API std::string read_binary_log(const std::string& path,
                                    const std::function<void(const record_view&)>& on_record);

}  // namespace jot
