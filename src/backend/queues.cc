#include "backend/queues.h"

#include "backend/backend.h"
#include "jot/logger.h"
#include "platform/immortal.h"

#include <thread>

#include <boost/lockfree/queue.hpp>

namespace jot::detail {

namespace {

// New queues travel from their threads to the consumer through a lock-free
// multi-producer queue, so a thread's first log call never waits for the
// writer and the writer never takes a lock to look for new threads.
//
// Fixed capacity: its nodes live in one array inside the object. (The
// growing variant links nodes with tagged pointers, which LeakSanitizer
// cannot follow, so every application run under ASan would see "leaks".)
// 1024 threads registering between two polls of the writer is far beyond
// need; a 1025th waits for the next poll.
using inbox_queue = boost::lockfree::queue<thread_queue*, boost::lockfree::capacity<1024>>;

inbox_queue& inbox() {
  static immortal<inbox_queue> q;
  return q.get();
}

}  // namespace

void register_queue(thread_queue* q) noexcept {
  while (!inbox().push(q)) {
    // Full: the writer empties it on its next poll.
    std::this_thread::yield();
  }
}

void queue_set::adopt() {
  thread_queue* q = nullptr;
  while (inbox().pop(q)) queues_.push_back(q);
}

namespace {
std::uint64_t minus(std::uint64_t a, std::uint64_t b) noexcept { return a > b ? a - b : 0; }
}  // namespace

std::uint64_t queue_set::horizon(std::uint64_t now, std::uint64_t margin) noexcept {
  std::uint64_t limit = minus(now, margin);
  for (thread_queue* q : queues_) {
    if (!q->ring.stamping()) {
      q->clear_seen = now;
    } else {
      // A record is being stamped; its time is after the last moment the
      // ring was seen clear (its thread sets clear_seen before its first
      // record, see register_thread()).
      limit = std::min(limit, minus(q->clear_seen, margin));
    }
  }
  return limit;
}

void queue_set::publish_and_reap() {
  for (std::size_t i = 0; i < queues_.size();) {
    thread_queue* q = queues_[i];
    q->ring.publish();
    if (q->abandoned.load(std::memory_order_acquire) && q->ring.empty()) {
      delete q;
      queues_[i] = queues_.back();
      queues_.pop_back();
    } else {
      ++i;
    }
  }
}

bool queue_set::idle() noexcept {
  for (thread_queue* q : queues_) {
    if (q->ring.in_call() || !q->ring.empty()) return false;
  }
  return true;
}

void forget_queues_after_fork() noexcept {
  // The parent's rings hold the parent's records: its writer writes them.
  // The child has one thread, so nothing else can be using these copies.
  queue_set& set = the_queues();
  for (thread_queue* q : set.queues_) delete q;
  thread_queue* q = nullptr;
  while (inbox().pop(q)) delete q;
  set.queues_.clear();
  set.heap_.clear();
  forget_thread_ring_after_fork();
}

queue_set& the_queues() noexcept {
  static immortal<queue_set> set;
  return set.get();
}

}  // namespace jot::detail
