// binary_file_sink() and rotating_binary_file_sink(): the binary log's
// entries (binary_log_writer) written through path_file, which opens,
// retries and follows the path as for the text file sinks, and, for the
// rotating one, file_rotation. What the binary log adds is that every file
// decodes on its own: each starts with a segment and the definitions its
// records need, whichever way it came to be opened.
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "format/binary_log_writer.h"
#include "jot/binary_log.h"
#include "sinks/file_rotation.h"
#include "sinks/path_file.h"
#include "sinks/raw_sink.h"

namespace jot {

namespace {

class binary_file_sink_impl final : public detail::raw_sink {
 public:
  binary_file_sink_impl(std::string path, const binary_file_options& o)
      : plain_(std::in_place, std::move(path), o.buffer_bytes, o.truncate), file_(*plain_) {
    watch();
  }
  binary_file_sink_impl(std::string path, rotation_options o)
      : rotation_(std::in_place, std::move(path), std::move(o)), file_(rotation_->file()) {
    watch();
  }

  void write_raw(const detail::raw_record& r) override {
    const detail::binary_log_writer::mark before = writer_.position();
    if (!rotation_ && file_.is_open() && !segment_due()) {
      // The common case: the entry goes straight into the file's buffer,
      // and stays there if it fits.
      std::string& buffered = file_.buffer();
      const std::size_t at = buffered.size();
      writer_.append(buffered, r);
      if (buffered.size() <= file_.capacity()) {
        if (at == 0) {
          buffer_mark_ = before;  // this entry starts the buffer
          frozen_.reset();
        }
        return;
      }
      // It does not: taken back, for the way every entry can take.
      entry_.assign(buffered, at);
      buffered.resize(at);
    } else {
      encode(r);
      if (rotation_ && rotation_->due(r.time_ns, entry_.size()) && rotation_->rotate(r.time_ns)) {
        encode(r);  // into the new file: a segment of its own
      }
    }
    if (file_.is_open() && file_.buffered() != 0 &&
        file_.buffered() + entry_.size() > file_.capacity()) {
      // Written out here rather than inside append(), so that the buffer
      // this entry starts has its mark.
      const std::uint64_t lost = file_.lost_bytes();
      file_.drain();
      if (file_.lost_bytes() != lost) encode(r);  // a definition may be among what was lost
    }
    const std::uint64_t dropped = file_.dropped_records();
    file_.append(entry_);
    if (file_.dropped_records() != dropped) {
      // Not kept (the file cannot be opened and too much waits): whatever
      // it defined is missing, so the next record starts a segment.
      need_segment_ = true;
    } else if (file_.buffered() == entry_.size()) {
      // This entry starts the buffer (append() may have written out what
      // was there, when the file opened at last).
      buffer_mark_ = before;
      frozen_.reset();
    }
  }

  void flush() override { file_.drain(); }
  bool holds_unwritten() const noexcept override { return file_.holds_unwritten(); }
  void sync() override { file_.sync(); }

 private:
  void watch() {
    file_.on_new_file([this](std::string& buffered) {
      // Bytes that continue the segment of another file (or of none yet):
      // the new file gets what they need in front of them.
      std::string prefix;
      if (frozen_) {
        prefix = std::move(*frozen_);
        frozen_.reset();
      } else {
        writer_.restate(prefix, buffer_mark_);
      }
      detail::binary_log_writer::rebase(buffered, prefix, buffer_mark_);
      opens_seen_ = file_.opens();
    });
  }

  // A segment must come first: the file is new, or bytes were lost, or
  // nothing is open or waiting (the entry may open a new file).
  bool segment_due() const noexcept {
    return need_segment_ || file_.opens() != opens_seen_ || file_.lost_bytes() != lost_seen_ ||
           (!file_.is_open() && file_.buffered() == 0);
  }

  // entry_ = the record and the definitions it needs, after a segment if
  // one is due.
  void encode(const detail::raw_record& r) {
    entry_.clear();
    if (segment_due()) {
      if (file_.buffered() != 0 && !frozen_) {
        // The buffer's first part still needs the definitions of the
        // segment this one ends, should it go to a new file.
        frozen_.emplace();
        writer_.restate(*frozen_, buffer_mark_);
      }
      writer_.start_segment(entry_);
      need_segment_ = false;
      opens_seen_ = file_.opens();
      lost_seen_ = file_.lost_bytes();
    }
    writer_.append(entry_, r);
  }

  // Before the file: the file's last drain, in its destructor, may call
  // the new-file hook, which uses these.
  detail::binary_log_writer writer_;
  std::string entry_;
  // Where the writer stood when the bytes now buffered began.
  detail::binary_log_writer::mark buffer_mark_;
  // What the buffered bytes before a segment in their midst need in front
  // of them in a new file (the writer forgot it when the segment began).
  std::optional<std::string> frozen_;
  bool need_segment_ = true;
  std::uint64_t opens_seen_ = 0;
  std::uint64_t lost_seen_ = 0;
  std::optional<detail::file_rotation> rotation_;
  std::optional<detail::path_file> plain_;
  detail::path_file& file_;
};

}  // namespace

std::shared_ptr<sink> binary_file_sink(std::string path, binary_file_options options) {
  return std::make_shared<binary_file_sink_impl>(std::move(path), options);
}

std::shared_ptr<sink> rotating_binary_file_sink(std::string path, rotation_options options) {
  return std::make_shared<binary_file_sink_impl>(std::move(path), std::move(options));
}

}  // namespace jot
