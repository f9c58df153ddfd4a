#include "sinks/net/outbox.h"

namespace jot::detail {

bool outbox::push(std::string_view frame, std::string_view body, bool force) {
  const std::size_t n = frame.size() + body.size();
  if (!force && bytes_ + n > capacity_) {
    ++lost_;
    return false;
  }
  compact();
  buf_.append(frame);
  buf_.append(body);
  sizes_.push_back(static_cast<std::uint32_t>(n));
  bytes_ += n;
  return true;
}

std::string_view outbox::front() const noexcept {
  if (sizes_.empty()) return {};
  return std::string_view(buf_).substr(head_ + front_sent_, sizes_.front() - front_sent_);
}

std::string_view outbox::all_unsent() const noexcept {
  return std::string_view(buf_).substr(head_ + front_sent_);
}

void outbox::sent(std::size_t n) noexcept {
  while (n > 0 && !sizes_.empty()) {
    const std::size_t rest = sizes_.front() - front_sent_;
    if (n < rest) {
      front_sent_ += n;
      return;
    }
    n -= rest;
    pop();
  }
}

void outbox::pop() noexcept {
  if (sizes_.empty()) return;
  head_ += sizes_.front();
  bytes_ -= sizes_.front();
  sizes_.pop_front();
  front_sent_ = 0;
  if (sizes_.empty()) {
    buf_.clear();
    head_ = 0;
  }
}

// Drops the bytes of messages already sent once they are half the buffer,
// so that appending stays amortized O(1) without growing without bound.
void outbox::compact() {
  if (head_ == 0 || head_ < buf_.size() / 2) return;
  buf_.erase(0, head_);
  head_ = 0;
}

}  // namespace jot::detail
