// The set of thread queues, as the writer sees it: registration, the
// ordering horizon, and the timestamp merge.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "jot/config.h"
#include "jot/detail/ring.h"

namespace jot::detail {

// One logging thread's ring and identity. Created by the thread on its
// first log call; freed by the consumer once the thread has exited and the
// ring is empty.
struct thread_queue {
  explicit thread_queue(std::size_t capacity) : ring(new byte_ring(capacity)) {}
  ~thread_queue();
  thread_queue(const thread_queue&) = delete;
  thread_queue& operator=(const thread_queue&) = delete;

  // The oldest ring the consumer has not finished: the one its thread writes
  // (through tls_producer), or, after growth, the first of a chain that ends
  // with it.
  // Owned; the consumer frees each ring of the chain once it is read.
  byte_ring* ring;

  // Consumer: the next record of the thread, across its chain of rings,
  // or nullptr. Frees rings read to their end.
  const record_header* peek() noexcept;
  // Consumer: true if no ring of the chain holds a record or shows a call.
  bool idle() noexcept;
  // Consumer: a record is being stamped in some ring of the chain.
  bool stamping() const noexcept;
  // Consumer: bytes waiting in the chain; updates the high-water mark.
  void note_fill() noexcept;
  std::uint64_t thread_id = 0;
  std::string thread_name;
  std::atomic<bool> abandoned{false};
  // Consumer-private: when the ring was last seen with no record in flight.
  std::uint64_t clear_seen = 0;

  // Records dropped (drop mode), per logger. The producer claims a slot
  // for a logger (storing it with release) and counts in it; the consumer
  // reports what it has not reported yet and then stores `reported`. A
  // slot whose count is all reported may be claimed for another logger;
  // when every slot holds unreported drops of other loggers, the producer
  // chains another block of slots (see count_drop()).
  struct drop_slot {
    std::atomic<const logger*> lg{nullptr};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> reported{0};  // written by the consumer
    // Consumer-private: the logger last reported from this slot, and when
    // (0: never). A slot taken over by another logger starts afresh.
    const logger* reported_lg = nullptr;
    std::int64_t last_report_ns = 0;
  };
  struct drop_block {
    static constexpr std::size_t size = 8;
    drop_slot slots[size];
    std::atomic<drop_block*> next{nullptr};  // set once, by the producer
    drop_block() = default;
    drop_block(const drop_block&) = delete;
    drop_block& operator=(const drop_block&) = delete;
    ~drop_block() { delete next.load(std::memory_order_acquire); }
  };
  drop_block drops;
  std::atomic<std::uint64_t> dropped{0};  // all slots; written by the producer
  // Of those, dropped by a signal handler's call that interrupted a call
  // of the thread (see drop_interrupted()).
  std::atomic<std::uint64_t> interrupted{0};
  std::uint64_t interrupted_reported = 0;  // consumer-private
  // Written by the consumer only, read by jot::stats() from any thread.
  std::atomic<std::uint64_t> written{0};
  std::atomic<std::uint64_t> bytes{0};
  // Growth (backpressure::grow), written by the producer.
  std::atomic<std::uint64_t> growths{0};
  std::atomic<std::uint64_t> ring_bytes{0};  // the producer's ring's capacity now
  // The most bytes seen waiting in the thread's rings: sampled by the
  // consumer at each poll and each time it gives space back, and a whole
  // ring when a call found it full.
  std::atomic<std::uint64_t> high_water{0};
  std::uint64_t registered_ticks = 0;  // set before the queue is registered
};

// Producer side: counts a record of `lg` dropped from this queue.
// `interrupted`: dropped because a signal handler's call interrupted a call
// of the thread; then nothing is allocated (async-signal-safe), and the
// count may land in a slot of another logger when every slot is taken.
// The counts are read-modify-write operations, so a count made by a signal
// handler that interrupted another count is not lost.
void count_drop(thread_queue& q, const logger& lg, bool interrupted = false) noexcept;
// A record dropped by a signal handler's call on a thread without a queue
// yet (it interrupted the thread's first call). Async-signal-safe. The
// consumer reports them (take_interrupted_unqueued(): the count since the
// last call).
void count_interrupted_unqueued() noexcept;
std::uint64_t take_interrupted_unqueued() noexcept;
// Either side: raises q.high_water to at least `bytes`.
void raise_high_water(thread_queue& q, std::uint64_t bytes) noexcept;
// Consumer side: every drop of the queue was reported.
bool drops_reported(const thread_queue& q) noexcept;

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
  // store buffer (see ring_producer::commit()).
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

  // Any thread, once per queue, before register_queue() hands it over:
  // makes it visible to stats() at once, even while the consumer is busy.
  void enroll(thread_queue* q) noexcept;

  // Calls report(queue, slot, logger, count) for drops not reported yet,
  // in the slots for which due(queue, slot) says a report is due.
  template <class Due, class Report>
  void report_drops(Due&& due, Report&& report);

  // Any thread: the counts (see jot::stats()).
  stats_snapshot stats();

  // Any thread: a record of `bytes` written on the calling thread
  // (delivery::sync, or after shutdown): it passed through no ring.
  void count_written_on_caller(std::uint64_t bytes) noexcept {
    caller_written_.fetch_add(1, std::memory_order_relaxed);
    caller_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }

  std::size_t size() const noexcept { return queues_.size(); }

 private:
  friend void forget_queues_after_fork() noexcept;
  struct head {
    std::uint64_t ticks;
    thread_queue* q;
    const record_header* h;
    bool operator>(const head& o) const noexcept { return ticks > o.ticks; }
  };
  void retire(thread_queue* q);  // counts of a queue about to be freed
  std::vector<thread_queue*> queues_;
  std::vector<head> heap_;
  // Every queue registered and not yet freed, adopted or not: what
  // stats() reads. Guarded by list_mu_, which a thread takes once to
  // register, the consumer to free a queue, and stats() to read: the only
  // lock stats() takes.
  std::vector<thread_queue*> known_;
  std::mutex list_mu_;
  std::uint64_t retired_written_ = 0;
  std::uint64_t retired_dropped_ = 0;
  std::uint64_t retired_bytes_ = 0;
  std::uint64_t retired_growths_ = 0;
  std::uint64_t retired_high_water_ = 0;
  std::atomic<std::uint64_t> caller_written_{0};
  std::atomic<std::uint64_t> caller_bytes_{0};
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
    if (const record_header* h = q->peek(); h != nullptr && h->ticks <= limit) {
      q->note_fill();
      heap_.push_back({h->ticks, q, h});
    }
  }
  const auto consume = [](thread_queue& q, const record_header& h) {
    q.written.store(q.written.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    q.bytes.store(q.bytes.load(std::memory_order_relaxed) + h.size, std::memory_order_relaxed);
    byte_ring& r = *q.ring;
    r.pop(h.size);
    // A caller blocked on this ring goes on as soon as its record fits.
    if (r.unpublished() >= r.capacity() / 4 || r.waiter_fits()) {
      r.publish();
      q.note_fill();
    }
  };
  std::size_t n = 0;
  if (heap_.size() == 1) {
    // One busy thread: no merge needed.
    thread_queue* q = heap_[0].q;
    const record_header* h = heap_[0].h;
    while (h != nullptr && h->ticks <= limit && n < max_records) {
      emit(*h, *q);
      consume(*q, *h);
      ++n;
      h = q->peek();
    }
    return n;
  }
  const std::greater<head> later;
  std::make_heap(heap_.begin(), heap_.end(), later);
  while (!heap_.empty() && n < max_records) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    head& top = heap_.back();
    emit(*top.h, *top.q);
    consume(*top.q, *top.h);
    ++n;
    const record_header* next = top.q->peek();
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

template <class Due, class Report>
void queue_set::report_drops(Due&& due, Report&& report) {
  for (thread_queue* q : queues_) {
    if (q->dropped.load(std::memory_order_relaxed) == 0) continue;
    for (thread_queue::drop_block* b = &q->drops; b != nullptr;
         b = b->next.load(std::memory_order_acquire)) {
      for (thread_queue::drop_slot& s : b->slots) {
        // The count first: the logger stored before it is the one counted.
        const std::uint64_t c = s.count.load(std::memory_order_acquire);
        const std::uint64_t r = s.reported.load(std::memory_order_relaxed);
        if (c == r || !due(*q, s)) continue;
        const logger* lg = s.lg.load(std::memory_order_acquire);
        if (lg != nullptr) report(*q, s, *lg, c - r);
        // Released: the producer may give the slot to another logger now.
        s.reported.store(c, std::memory_order_release);
      }
    }
  }
}

}  // namespace jot::detail
