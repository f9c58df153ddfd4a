// A single-producer/single-consumer byte ring: one per logging thread.
//
// Contract
// - Exactly one thread (the owner) calls the producer functions and exactly
//   one thread at a time (the writer, or the holder of the sink lock once
//   the writer has stopped) calls the consumer functions.
// - Entries are written contiguously: an entry that would cross the end of
//   the buffer is preceded by a wrap marker, so the reader always sees whole
//   records at one address and never copies them.
// - Positions are byte counts that only grow; offset = position & mask.
//
// Memory layout. The producer's private words (where it writes next, its
// cached copy of the reader's position, the buffer and its mask, whether a
// call is under way) live apart from the ring, in a ring_producer that the
// producing thread keeps: a thread-local in the front end, one cache line.
// So a call's only dependent load is that line; the ring's own producer
// line (write_pos_, in_flight_) is only stored to by a call, and the record
// goes straight to the buffer. A first call after a pause, with the
// caller's caches cold, waits for one miss before it can write, not for
// the thread-local and then the ring. The reader publishes read_pos_
// rarely (once per batch, or each quarter of the ring), so the producer's
// cached copy stays valid for long and the two cores do not trade cache
// lines on every record. read_pos_ has a line of its own (with the words
// of a caller waiting for room), and the reader's private words another: a
// producer looking for room never takes the line the reader writes on
// every record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "jot/detail/atomic_word.h"
#include "jot/detail/clock.h"
#include "jot/detail/wire.h"
#include "jot/export.h"

namespace jot::detail {

inline constexpr std::size_t cache_line = 64;

class ring_producer;

// Asks for the line at p in a state the caller may write at once (x86-64's
// PREFETCHW, which CPUs without it run as a no-op). A hint: no fault, no
// effect on what the program computes.
inline void prefetch_for_write(const void* p) noexcept {
#if defined(__x86_64__)
  asm volatile("prefetchw %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p, 1, 3);
#endif
}

class JOT_API byte_ring {
 public:
  // capacity: rounded up to a power of two, at least 4 KiB. With
  // `prefault`, the memory is touched here, so no page fault lands on a
  // later log call; a ring made by growth is not (touching tens of MiB at
  // once would stall the one call that grows it for milliseconds; its
  // pages fault in one at a time instead, as the calls reach them).
  explicit byte_ring(std::size_t capacity, bool prefault = true);
  ~byte_ring();
  byte_ring(const byte_ring&) = delete;
  byte_ring& operator=(const byte_ring&) = delete;

  std::size_t capacity() const noexcept { return capacity_; }
  // The largest entry the ring takes; larger records travel on the heap.
  std::size_t max_entry() const noexcept { return capacity_ / 2; }

  // ---- producer: see ring_producer ----------------------------------------

  // Sleeps until the reader wakes a caller that announced a wait
  // (ring_producer::prepare_wait()), a signal arrives or about
  // `timeout_us` pass.
  void wait(long timeout_us) noexcept;

  // Bytes an entry of n bytes takes at a write offset with `contiguous`
  // bytes before the buffer's end: the entry, plus the skipped tail (a wrap
  // marker) if it does not fit there.
  static std::uint64_t bytes_needed(std::size_t n, std::size_t contiguous) noexcept {
    return n <= contiguous ? n : contiguous + n;
  }

  // ---- consumer -----------------------------------------------------------

  // The next entry, or nullptr if none is visible. Skips wrap markers.
  const record_header* peek() noexcept;
  // Marks the entry returned by peek() as read (not yet published).
  void pop(std::size_t n) noexcept { read_local_ += n; }
  // Gives the space read so far back to the producer, and wakes a caller
  // waiting for room if its entry fits now: a system call only then.
  void publish() noexcept;
  // A caller waits, and what was read so far makes room for its entry.
  bool waiter_fits() const noexcept {
    return waiting_.load(order_relaxed) != 0 && read_local_ >= wake_at_.load(order_relaxed);
  }
  // Bytes read but not yet given back.
  std::size_t unpublished() const noexcept {
    const std::uint64_t n = read_local_ - read_pos_.load(order_relaxed);
    return n;  // less than the capacity, which is a size_t
  }
  // A call is under way (state 1 or 2).
  bool in_call() const noexcept { return in_flight_.load(order_acquire) != 0; }
  // A record is being stamped (state 2).
  bool stamping() const noexcept { return in_flight_.load(order_acquire) == 2; }
  // True if the producer has published nothing beyond what was read.
  bool empty() noexcept;
  // Bytes published by the producer and not yet given back (approximate
  // when called from another thread than the reader).
  std::size_t used_bytes() const noexcept;
  // Consumer: bytes published by the producer and not yet read.
  std::size_t unread_bytes() const noexcept {
    return static_cast<std::size_t>(write_pos_.load(order_acquire) - read_local_);
  }

  // ---- growth (backpressure::grow) ----------------------------------------
  //
  // A full ring is followed by a larger one: the producer writes its last
  // record here, links the next ring (its last touch of this one) and
  // writes on in the next. The consumer reads this ring to its end before
  // the next, so the thread's order holds, and frees it once it has seen
  // the link and read everything before it.
  void link(byte_ring* next) noexcept { next_.store(next, order_release); }
  byte_ring* next() const noexcept { return next_.load(order_acquire); }

 private:
  friend class ring_producer;

  // Producer line: the producer stores here, the reader loads.
  alignas(cache_line) atomic_word<std::uint64_t> write_pos_{0};
  atomic_word<std::uint32_t> in_flight_{0};  // see ring_producer::begin_call()

  // Give-back line: the reader's published position, and the waiting
  // caller's words, written by the producer only when it blocks: waiting_
  // is the futex word (1: a caller sleeps, or is about to), wake_at_ the
  // read position at which its entry fits.
  alignas(cache_line) atomic_word<std::uint64_t> read_pos_{0};
  atomic_word<std::uint32_t> waiting_{0};
  atomic_word<std::uint64_t> wake_at_{0};

  // Consumer line: the reader's own words.
  alignas(cache_line) std::uint64_t read_local_ = 0;
  std::uint64_t write_cache_ = 0;

  // Read-only after construction, but for next_, stored once.
  alignas(cache_line) std::byte* buf_ = nullptr;
  atomic_word<byte_ring*> next_{nullptr};
  std::size_t capacity_ = 0;
  std::size_t mask_ = 0;
};

// The producing thread's side of a ring: the words only it uses, kept in
// one cache line of its own (the front end's thread-local tls_producer; the
// crash handler's state for its ring). One producer writes a ring at a
// time; attach() takes the ring's position as the last producer left it.
class JOT_API ring_producer {
 public:
  constexpr ring_producer() noexcept = default;
  explicit ring_producer(byte_ring* r) noexcept { attach(r); }

  // Produces into r from now on, from where r's producer left it (r must
  // show no call); nullptr: into none. Not within a call. A signal
  // handler's call meanwhile sees no ring until r is ready.
  void attach(byte_ring* r) noexcept;
  // Within a call (backpressure::grow): r, new and empty, follows the
  // ring written so far. The call is shown in r before the link and ends
  // in the old ring after it, so some ring always shows it (and the reader
  // frees the old ring only once it shows no call): that store is the last
  // touch of the old ring.
  void move_to(byte_ring* r) noexcept;

  byte_ring* ring() const noexcept { return ring_; }
  std::size_t capacity() const noexcept { return capacity_; }
  // The largest entry the ring takes; larger records travel on the heap.
  std::size_t max_entry() const noexcept { return capacity_ / 2; }

  // The call state, in the ring's in_flight_, which the writer reads when
  // it polls:
  //   0  no call under way;
  //   1  a call is under way (begin_call() ... end_call()): shutdown()
  //      marks the loggers synchronous, runs a process-wide barrier, and
  //      its last drain waits until no ring shows a call, so a call that
  //      read the old state cannot commit after the last drain;
  //   2  a record's time is read but the record may not be visible yet
  //      (commit() ... end_call()): the writer emits nothing later than the
  //      moment it last saw the ring in another state (queue_set::horizon),
  //      so no record is overtaken. Only this short state holds the writer
  //      back; a thread logging without pause is mostly in state 1.
  // Only compiler barriers follow the stores: the writer's side pays for
  // the ordering (membarrier, or its ordering margin).
  //
  // in_call_ is the thread's own "in a call" mark (the ring's word is
  // only stored to, so a call loads nothing from the ring's lines):
  // begin_call() returns false, changing nothing, when a call is already
  // under way. Only the owner writes it, so that can only be a signal
  // handler that interrupted a call of its own thread; it must not touch
  // the ring (the interrupted call may hold a reservation), and the caller
  // counts its record as dropped instead. A signal between the load and
  // the store runs a whole call of its own and leaves the mark at 0 again.
  [[nodiscard]] bool begin_call() noexcept {
    if (in_call_.load(order_relaxed) != 0) return false;
    in_call_.store(1, order_relaxed);
    signal_fence();
    ring_->in_flight_.store(1, order_relaxed);
    signal_fence();
    return true;
  }
  void end_call() noexcept {
    ring_->in_flight_.store(0, order_release);
    signal_fence();
    in_call_.store(0, order_relaxed);
  }
  bool in_call() const noexcept { return in_call_.load(order_relaxed) != 0; }

  // The crash handler's drain must not wait for a call its signal
  // interrupted: pause_call() shows the ring with no call (so the writer's
  // horizon passes it) and returns the state it showed; resume_call() puts
  // that state back once the drain is over, so if the process lives on the
  // interrupted call ends as if nothing happened. The thread's own mark
  // stays set throughout: a call made meanwhile on this thread (a sink that
  // logs during a drain here, a handler chained after jot's) is counted as
  // an interrupting call and never touches the interrupted reservation.
  std::uint32_t pause_call() noexcept {
    if (ring_ == nullptr || in_call_.load(order_relaxed) == 0) return 0;
    const std::uint32_t shown = ring_->in_flight_.load(order_relaxed);
    ring_->in_flight_.store(0, order_release);
    return shown;
  }
  void resume_call(std::uint32_t shown) noexcept {
    if (ring_ == nullptr || in_call_.load(order_relaxed) == 0) return;
    ring_->in_flight_.store(shown, order_release);
  }

  // Room for an entry of n bytes (n a multiple of 8, n <= max_entry()), or
  // nullptr if the ring is full now. Nothing is visible to the reader until
  // commit().
  std::byte* try_reserve(std::size_t n) noexcept {
    std::uint64_t pos = write_pos_;
    std::size_t off = pos & mask_;
    const std::size_t contiguous = capacity_ - off;
    const std::uint64_t need = byte_ring::bytes_needed(n, contiguous);
    if (pos + need - read_cache_ > capacity_) {
      read_cache_ = ring_->read_pos_.load(order_acquire);
      if (pos + need - read_cache_ > capacity_) return nullptr;
    }
    if (n > contiguous) {
      // The marker stays invisible until commit() publishes past it.
      auto* marker = reinterpret_cast<record_header*>(buf_ + off);
      marker->size = static_cast<std::uint32_t>(contiguous);
      marker->kind = record_kind::wrap;
      write_pos_ = pos + contiguous;
      off = 0;
    }
    return buf_ + off;
  }

  // Stamps the entry at `entry` (returned by try_reserve) with the time and
  // publishes it. Called between begin_call() and end_call(). Then asks
  // for the first line the next record needs that this one did not touch,
  // so that a later call, after a pause too, finds its destination in
  // this core's cache, ready to write.
  void commit(std::byte* entry, std::size_t n) noexcept {
    ring_->in_flight_.store(2, order_relaxed);
    signal_fence();
    reinterpret_cast<record_header*>(entry)->ticks = ticks();
    write_pos_ += n;
    ring_->write_pos_.store(write_pos_, order_release);
    prefetch_for_write(buf_ + ((write_pos_ + cache_line - 1) & mask_));
  }

  // ---- a caller waiting for room (backpressure::block) ---------------------
  //
  // A caller whose entry does not fit says how far the reader must get for
  // it to fit (prepare_wait()) and sleeps on a futex (wait()); the reader,
  // after each entry, looks whether a waiter's entry fits now
  // (byte_ring::waiter_fits(): a load from a line only a blocking caller
  // writes, so it hits the reader's cache and costs nothing while nobody
  // waits), and then gives the space back and wakes it
  // (byte_ring::publish()): the caller goes on as soon as there is room
  // for its record, with no spinning, yielding or fixed naps.
  //
  // No wake-up is lost: the caller stores waiting_ and then loads
  // read_pos_, the reader stores read_pos_ and then loads waiting_, with a
  // full fence between on both sides, so at least one sees the other's
  // store. A stale wake_at_ can only wake a caller early, which then looks
  // again. The wait has a timeout as a safety net and ends at a signal
  // (never restarted), so a signal handler's call on the same thread never
  // waits behind it.

  // Outside a call: announces a wait for room for an entry of n bytes and
  // `extra` bytes more (so that one wake-up serves the next calls too;
  // capped at an empty ring). False, announcing nothing, if the entry fits
  // already.
  [[nodiscard]] bool prepare_wait(std::size_t n, std::size_t extra) noexcept;
  // After prepare_wait() returned true: sleeps until the reader wakes it, a
  // signal arrives or about `timeout_us` pass.
  void wait(long timeout_us) noexcept { ring_->wait(timeout_us); }

 private:
  // Takes r's buffer, size and positions (not ring_): outside a call, or
  // (move_to) into a new ring, everything written to r is published.
  void take_words(const byte_ring& r) noexcept;

  alignas(cache_line) byte_ring* ring_ = nullptr;  // the whole object in one line
  std::byte* buf_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t mask_ = 0;
  std::uint64_t write_pos_ = 0;   // the next entry's position, not yet published
  std::uint64_t read_cache_ = 0;  // the reader's position as last seen
  atomic_word<std::uint32_t> in_call_{0};
};
static_assert(sizeof(ring_producer) == cache_line);

}  // namespace jot::detail
