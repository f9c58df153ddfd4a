// The set of thread queues, as the writer sees it: registration, the
// ordering horizon, and the timestamp merge.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jot/detail/ring.h"

namespace jot::detail {

// One logging thread's ring and identity. Created by the thread on its
// first log call; freed by the consumer once the thread has exited and the
// ring is empty.
struct thread_queue {
  explicit thread_queue(std::size_t ring_bytes) : ring(ring_bytes) {}
  byte_ring ring;
  std::uint64_t thread_id = 0;
  std::string thread_name;
  std::atomic<bool> abandoned{false};
  // Consumer-private: when the ring was last seen with no record in flight.
  std::uint64_t clear_seen = 0;
};

// Producer side, any thread: hands a new queue to the consumer.
void register_queue(thread_queue* q) noexcept;

// In a child after fork(): the calling thread no longer has a ring (its
// queue is freed with the parent's others). In src/frontend/submit.cc.
void forget_thread_ring_after_fork() noexcept;
void forget_queues_after_fork() noexcept;

// Everything below is for the consumer role only (the writer thread, or the
// holder of the consumer lock once it has stopped).
class queue_set {
 public:
  // Takes in queues registered since the last call.
  void adopt();

  // The latest time up to which every record is visible: no record with a
  // smaller time can still appear in any ring. `now` is ticks_ordered()
  // read before the call; `margin` covers a store still in the producer's
  // store buffer (see byte_ring::commit()).
  std::uint64_t horizon(std::uint64_t now, std::uint64_t margin) noexcept;

  // Hands every visible record with time <= limit to `emit`, oldest first
  // across all rings (at most `max_records`), and returns how many.
  template <class Emit>
  std::size_t drain(std::uint64_t limit, std::size_t max_records, Emit&& emit);

  // Gives read space back to every producer; frees the queues of exited
  // threads once they are empty.
  void publish_and_reap();

  // True if no ring holds a record and none is being written.
  bool idle() noexcept;

  std::size_t size() const noexcept { return queues_.size(); }

 private:
  friend void forget_queues_after_fork() noexcept;
  struct head {
    std::uint64_t ticks;
    thread_queue* q;
    const record_header* h;
    bool operator>(const head& o) const noexcept { return ticks > o.ticks; }
  };
  std::vector<thread_queue*> queues_;
  std::vector<head> heap_;
};

queue_set& the_queues() noexcept;

}  // namespace jot::detail

#include <algorithm>
#include <functional>

namespace jot::detail {

template <class Emit>
std::size_t queue_set::drain(std::uint64_t limit, std::size_t max_records, Emit&& emit) {
  heap_.clear();
  for (thread_queue* q : queues_) {
    if (const record_header* h = q->ring.peek(); h != nullptr && h->ticks <= limit) {
      heap_.push_back({h->ticks, q, h});
    }
  }
  std::size_t n = 0;
  if (heap_.size() == 1) {
    // One busy thread: no merge needed.
    thread_queue* q = heap_[0].q;
    const record_header* h = heap_[0].h;
    const std::size_t quarter = q->ring.capacity() / 4;
    while (h != nullptr && h->ticks <= limit && n < max_records) {
      emit(*h, *q);
      q->ring.pop(h->size);
      if (q->ring.unpublished() >= quarter) q->ring.publish();
      ++n;
      h = q->ring.peek();
    }
    return n;
  }
  const std::greater<head> later;
  std::make_heap(heap_.begin(), heap_.end(), later);
  while (!heap_.empty() && n < max_records) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    head& top = heap_.back();
    emit(*top.h, *top.q);
    top.q->ring.pop(top.h->size);
    if (top.q->ring.unpublished() >= top.q->ring.capacity() / 4) top.q->ring.publish();
    ++n;
    const record_header* next = top.q->ring.peek();
    if (next != nullptr && next->ticks <= limit) {
      top.ticks = next->ticks;
      top.h = next;
      std::push_heap(heap_.begin(), heap_.end(), later);
    } else {
      heap_.pop_back();
    }
  }
  return n;
}

}  // namespace jot::detail
