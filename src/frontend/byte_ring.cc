#include <atomic>
#include <bit>
#include <cstdlib>
#include <new>

#include "jot/detail/ring.h"

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

std::size_t byte_ring::used_bytes() const noexcept {
  return static_cast<std::size_t>(write_pos_.load(std::memory_order_acquire) -
                                  read_pos_.load(std::memory_order_acquire));
}

}  // namespace jot::detail
