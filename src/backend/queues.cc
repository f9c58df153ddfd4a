#include "backend/queues.h"

#include "backend/backend.h"
#include "backend/lifecycle.h"
#include "jot/logger.h"
#include "platform/immortal.h"

#include <algorithm>
#include <atomic>
#include <new>
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
  the_queues().enroll(q);
  while (!inbox().push(q)) {
    // Full: the writer empties it on its next poll.
    std::this_thread::yield();
  }
}

void queue_set::adopt() {
  thread_queue* q = nullptr;
  // Room first: a failed allocation throws before a queue is taken from the
  // inbox, so none is lost (the writer retries).
  for (;;) {
    if (queues_.size() == queues_.capacity()) queues_.reserve(queues_.size() * 2 + 8);
    if (!inbox().pop(q)) return;
    queues_.push_back(q);
  }
}

void queue_set::enroll(thread_queue* q) noexcept {
  try {
    const std::lock_guard<std::mutex> lk(list_mu_);
    known_.push_back(q);
  } catch (...) {
    // Only jot::stats() misses this thread.
  }
}

thread_queue::~thread_queue() {
  while (ring != nullptr) {
    byte_ring* next = ring->next();
    delete ring;
    ring = next;
  }
}

const record_header* thread_queue::peek() noexcept {
  for (;;) {
    if (const record_header* h = ring->peek()) return h;
    byte_ring* next = ring->next();
    if (next == nullptr) return nullptr;
    // Linked after the producer's last record here, and its call ends here
    // after the link (see ring_producer::move_to()): once no
    // call shows, a ring still empty is finished.
    if (ring->in_call()) return nullptr;
    if (!ring->empty()) continue;
    delete ring;
    ring = next;
  }
}

bool thread_queue::idle() noexcept {
  for (byte_ring* r = ring; r != nullptr; r = r->next()) {
    if (r->in_call() || !r->empty()) return false;
  }
  return true;
}

bool thread_queue::stamping() const noexcept {
  for (const byte_ring* r = ring; r != nullptr; r = r->next()) {
    if (r->stamping()) return true;
  }
  return false;
}

void thread_queue::note_fill() noexcept {
  std::uint64_t fill = ring->unread_bytes();
  for (const byte_ring* r = ring->next(); r != nullptr; r = r->next()) fill += r->used_bytes();
  if (fill > high_water.load(std::memory_order_relaxed)) raise_high_water(*this, fill);
}

void raise_high_water(thread_queue& q, std::uint64_t bytes) noexcept {
  std::uint64_t seen = q.high_water.load(std::memory_order_relaxed);
  while (seen < bytes &&
         !q.high_water.compare_exchange_weak(seen, bytes, std::memory_order_relaxed)) {
  }
}

void count_drop(thread_queue& q, const logger& lg, bool interrupted) noexcept {
  // Only this thread writes lg, count and next: plain loads, release
  // stores. Slots are claimed in order, so an empty one ends the search: no
  // later slot can hold `lg`.
  using slot_t = thread_queue::drop_slot;
  slot_t* slot = nullptr;
  slot_t* reclaim = nullptr;  // all its drops reported: free for another logger
  thread_queue::drop_block* last = nullptr;
  for (thread_queue::drop_block* b = &q.drops; b != nullptr && slot == nullptr;
       b = b->next.load(std::memory_order_relaxed)) {
    last = b;
    for (slot_t& s : b->slots) {
      const logger* owner = s.lg.load(std::memory_order_relaxed);
      if (owner == &lg) {
        slot = &s;
        break;
      }
      if (owner == nullptr) {
        slot = reclaim != nullptr ? reclaim : &s;
        break;
      }
      if (reclaim == nullptr &&
          s.count.load(std::memory_order_relaxed) == s.reported.load(std::memory_order_acquire)) {
        reclaim = &s;
      }
    }
  }
  if (slot == nullptr) slot = reclaim;
  bool claim = true;
  if (slot == nullptr) {
    // Every slot holds drops of other loggers not reported yet.
    auto* more = interrupted ? nullptr : new (std::nothrow) thread_queue::drop_block;
    if (more != nullptr) {
      last->next.store(more, std::memory_order_release);
      slot = &more->slots[0];
    } else {
      // Out of memory: counted (the totals stay exact), but reported as
      // the last slot's logger's.
      slot = &last->slots[thread_queue::drop_block::size - 1];
      claim = false;
    }
  }
  if (claim && slot->lg.load(std::memory_order_relaxed) != &lg) {
    slot->lg.store(&lg, std::memory_order_release);
  }
  // One thread counts, but a signal handler on it may count in between a
  // load and a store: read-modify-write, off the hot path anyway.
  if (interrupted) q.interrupted.fetch_add(1, std::memory_order_relaxed);
  slot->count.fetch_add(1, std::memory_order_release);
  q.dropped.fetch_add(1, std::memory_order_release);
}

namespace {
std::atomic<std::uint64_t> g_interrupted_unqueued{0};
}  // namespace

void count_interrupted_unqueued() noexcept {
  g_interrupted_unqueued.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t take_interrupted_unqueued() noexcept {
  return g_interrupted_unqueued.exchange(0, std::memory_order_relaxed);
}

bool drops_reported(const thread_queue& q) noexcept {
  for (const thread_queue::drop_block* b = &q.drops; b != nullptr;
       b = b->next.load(std::memory_order_acquire)) {
    for (const thread_queue::drop_slot& s : b->slots) {
      if (s.count.load(std::memory_order_acquire) != s.reported.load(std::memory_order_relaxed)) {
        return false;
      }
    }
  }
  return true;
}

void queue_set::retire(thread_queue* q) {
  retired_written_ += q->written.load(std::memory_order_relaxed);
  retired_dropped_ += q->dropped.load(std::memory_order_acquire);
  retired_bytes_ += q->bytes.load(std::memory_order_relaxed);
  retired_growths_ += q->growths.load(std::memory_order_relaxed);
  retired_high_water_ =
      std::max(retired_high_water_, q->high_water.load(std::memory_order_relaxed));
}

stats_snapshot queue_set::stats() {
  stats_snapshot out;
  const std::lock_guard<std::mutex> lk(list_mu_);
  out.written = retired_written_ + caller_written_.load(std::memory_order_relaxed);
  out.dropped = retired_dropped_;
  out.bytes = retired_bytes_ + caller_bytes_.load(std::memory_order_relaxed);
  out.ring_growths = retired_growths_;
  out.ring_high_water = retired_high_water_;
  out.threads.reserve(known_.size());
  for (const thread_queue* q : known_) {
    thread_stats t;
    t.thread_id = q->thread_id;
    t.thread_name = q->thread_name;
    t.written = q->written.load(std::memory_order_relaxed);
    t.dropped = q->dropped.load(std::memory_order_acquire);
    t.bytes = q->bytes.load(std::memory_order_relaxed);
    t.ring_growths = q->growths.load(std::memory_order_relaxed);
    t.ring_bytes = q->ring_bytes.load(std::memory_order_relaxed);
    t.ring_high_water = q->high_water.load(std::memory_order_relaxed);
    out.written += t.written;
    out.dropped += t.dropped;
    out.bytes += t.bytes;
    out.ring_growths += t.ring_growths;
    out.ring_high_water = std::max(out.ring_high_water, t.ring_high_water);
    out.threads.push_back(std::move(t));
  }
  return out;
}

namespace {
std::uint64_t minus(std::uint64_t a, std::uint64_t b) noexcept { return a > b ? a - b : 0; }
}  // namespace

std::uint64_t queue_set::horizon(std::uint64_t now, std::uint64_t margin) noexcept {
  std::uint64_t limit = minus(now, margin);
  for (thread_queue* q : queues_) {
    if (!q->stamping()) {
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
    q->ring->publish();
    // A queue is freed once its drops are reported too (report_drops()
    // runs before the next drain).
    if (q->abandoned.load(std::memory_order_acquire) && q->peek() == nullptr && q->idle() &&
        drops_reported(*q)) {
      const std::lock_guard<std::mutex> lk(list_mu_);
      std::erase(known_, q);
      retire(q);
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
    if (!q->idle()) return false;
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
  set.known_.clear();
  ::new (&set.list_mu_) std::mutex;
  set.heap_.clear();
  forget_thread_ring_after_fork();
}

queue_set& the_queues() noexcept {
  static immortal<queue_set> set;
  return set.get();
}

void build_queue_statics() noexcept {
  static_cast<void>(the_queues());
  static_cast<void>(inbox());
}

}  // namespace jot::detail
