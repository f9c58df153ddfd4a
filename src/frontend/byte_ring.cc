#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <new>

#include "jot/detail/ring.h"
#include "platform/thread.h"

namespace jot::detail {

byte_ring::byte_ring(std::size_t capacity, bool prefault) {
  capacity_ = std::bit_ceil(capacity < 4096 ? std::size_t{4096} : capacity);
  mask_ = capacity_ - 1;
  buf_ = static_cast<std::byte*>(::operator new (capacity_, std::align_val_t{cache_line}));
  // Touch every page now: the first pass over the ring must not page-fault
  // on the caller's hot path.
  if (prefault) std::memset(buf_, 0, capacity_);
}

byte_ring::~byte_ring() { ::operator delete (buf_, std::align_val_t{cache_line}); }

const record_header* byte_ring::peek() noexcept {
  for (;;) {
    if (read_local_ == write_cache_) {
      write_cache_ = write_pos_.load(std::memory_order_acquire);
      if (read_local_ == write_cache_) return nullptr;
    }
    const auto* h = reinterpret_cast<const record_header*>(buf_ + (read_local_ & mask_));
    if (h->kind == record_kind::wrap) {
      read_local_ += h->size;
      continue;
    }
    return h;
  }
}

bool byte_ring::empty() noexcept {
  return read_local_ == write_pos_.load(std::memory_order_acquire);
}

// A signal handler's call may run between any two of these stores, and
// takes a null ring_ for "no ring": so ring_ is stored last when attaching
// and first when detaching, with only compiler barriers needed (the same
// thread).
void ring_producer::attach(byte_ring* r) noexcept {
  ring_ = nullptr;
  signal_fence();
  in_call_.store(0, order_relaxed);
  if (r == nullptr) {
    buf_ = nullptr;
    capacity_ = mask_ = 0;
    write_pos_ = read_cache_ = 0;
    return;
  }
  take_words(*r);
  signal_fence();
  ring_ = r;
}

void ring_producer::move_to(byte_ring* r) noexcept {
  r->in_flight_.store(1, order_relaxed);
  byte_ring* old = ring_;
  take_words(*r);
  ring_ = r;
  old->link(r);
  old->in_flight_.store(0, order_release);
}

void ring_producer::take_words(const byte_ring& r) noexcept {
  buf_ = r.buf_;
  capacity_ = r.capacity_;
  mask_ = r.mask_;
  write_pos_ = r.write_pos_.load(order_relaxed);
  read_cache_ = r.read_pos_.load(order_acquire);
}

bool ring_producer::prepare_wait(std::size_t n, std::size_t extra) noexcept {
  // The test of try_reserve(), solved for the reader's position.
  const std::uint64_t pos = write_pos_;
  const std::uint64_t need = byte_ring::bytes_needed(n, capacity_ - (pos & mask_));
  if (pos + need - ring_->read_pos_.load(order_acquire) <= capacity_) return false;
  const std::uint64_t at = std::min(pos + need - capacity_ + extra, pos);
  ring_->wake_at_.store(at, order_relaxed);
  ring_->waiting_.store(1, order_relaxed);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (ring_->read_pos_.load(order_acquire) >= at) {
    ring_->waiting_.store(0, order_relaxed);
    return false;
  }
  return true;
}

void byte_ring::wait(long timeout_us) noexcept {
  futex_wait(waiting_.word(), 1, timeout_us);
  waiting_.store(0, order_relaxed);
}

void byte_ring::publish() noexcept {
  read_pos_.store(read_local_, order_release);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (waiting_.load(order_relaxed) != 0 && read_local_ >= wake_at_.load(order_relaxed)) {
    waiting_.store(0, order_relaxed);
    futex_wake(waiting_.word());
  }
}

std::size_t byte_ring::used_bytes() const noexcept {
  return static_cast<std::size_t>(write_pos_.load(std::memory_order_acquire) -
                                  read_pos_.load(std::memory_order_acquire));
}

}  // namespace jot::detail
