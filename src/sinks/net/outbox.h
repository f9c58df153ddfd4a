// The bounded buffer of a collector sink: framed messages waiting to be
// sent, in order, with how much of the first one has been sent. Records
// that do not fit are counted, not kept. Consumer role only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace jot::detail {

class outbox {
 public:
  explicit outbox(std::size_t capacity) : capacity_(capacity) {}

  // Appends one message made of `frame` (the transport's prefix, maybe
  // empty) and `body`. False, counting the record as lost, if it does not
  // fit; `force` adds it whatever the size (the sink's own reports).
  bool push(std::string_view frame, std::string_view body, bool force = false);

  bool fits(std::size_t n) const noexcept { return bytes_ + n <= capacity_; }
  bool empty() const noexcept { return sizes_.empty(); }
  std::size_t messages() const noexcept { return sizes_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }
  std::size_t capacity() const noexcept { return capacity_; }

  // The unsent rest of the first message, and the bytes after it.
  std::string_view front() const noexcept;
  std::string_view all_unsent() const noexcept;
  // `n` more bytes have been sent, from the front on, across messages.
  void sent(std::size_t n) noexcept;
  // The first message is done with (sent whole as a datagram, or given up).
  void pop() noexcept;
  // A connection broke: a message sent in part is sent again whole.
  void restart_front() noexcept { front_sent_ = 0; }

  // Records that did not fit since the last take_lost().
  std::uint64_t take_lost() noexcept {
    const std::uint64_t n = lost_;
    lost_ = 0;
    return n;
  }
  std::uint64_t lost() const noexcept { return lost_; }

 private:
  void compact();

  std::size_t capacity_;
  std::string buf_;                  // messages; the first one starts at head_
  std::size_t head_ = 0;             // where the first message starts in buf_
  std::size_t front_sent_ = 0;       // bytes of the first message already sent
  std::deque<std::uint32_t> sizes_;  // each message's size
  std::size_t bytes_ = 0;            // bytes of all waiting messages
  std::uint64_t lost_ = 0;
};

}  // namespace jot::detail
