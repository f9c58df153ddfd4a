// Buffered writing to a file descriptor, shared by the file and console
// sinks. Consumer role only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/thread.h"

namespace jot::detail {

class fd_writer {
 public:
  // `what` names the destination in error messages ("file app.log").
  fd_writer(std::string what, std::size_t buffer_bytes);

  // A new descriptor (a file opened again) starts with no failure behind it.
  void set_fd(int fd) noexcept {
    fd_ = fd;
    line_cut_ = false;
    last_errno_ = 0;
    lost_since_error_ = 0;
  }
  int fd() const noexcept { return fd_; }

  // Buffers `bytes`, writing the buffer out when it is full.
  void append(std::string_view bytes);
  // Writes out whatever is buffered. False if the descriptor failed; the
  // problem has then been reported and the bytes not written are counted as
  // lost. The first write that succeeds after a failure is reported too,
  // with the bytes lost meanwhile; if the failure cut a line, a line end
  // goes first, so that the next record starts a line of its own.
  bool drain() noexcept;
  // drain() in two steps, for a caller that may have to write the same
  // bytes again (to a file opened anew after this one was deleted during
  // the write): write_buffer() writes without forgetting, clear() forgets.
  bool write_buffer() noexcept {
    return buf_.empty() || (fd_ >= 0 && write_all(buf_.data(), buf_.size()));
  }
  void clear() noexcept { buf_.clear(); }
  // What is buffered, for an owner that must change it before it is
  // written (path_file's new-file hook).
  std::string& buffer() noexcept { return buf_; }
  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t buffered() const noexcept { return buf_.size(); }
  std::uint64_t lost_bytes() const noexcept { return lost_bytes_; }

 private:
  bool write_all(const char* p, std::size_t n) noexcept;
  // write(2) until all is written: 0, or the error (and, in `lost`, the
  // bytes not written). Reports nothing.
  int write_some(const char* p, std::size_t n, write_signal_guard& guard,
                 std::size_t* lost = nullptr) noexcept;

  std::string what_;
  std::string buf_;
  std::size_t capacity_;
  int fd_ = -1;
  std::uint64_t lost_bytes_ = 0;
  int last_errno_ = 0;                  // reported once until a write succeeds again
  std::uint64_t lost_since_error_ = 0;  // bytes lost since last_errno_ was set
  bool line_cut_ = false;               // the last byte written did not end a line
};

}  // namespace jot::detail
