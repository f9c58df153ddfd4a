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
// Memory layout. The producer's line holds what the producer writes on
// every record (write_pos_, in_flight_) and its cached copy of the reader's
// position, so the common push touches one line the reader reads only when
// it polls. The reader publishes read_pos_ rarely (once per batch, or each
// quarter of the ring), so the producer's cached copy stays valid for long
// and the two cores do not trade cache lines on every record. read_pos_
// has a line of its own (with the words of a caller waiting for room), and
// the reader's private words another: a producer polling for room never
// takes the line the reader writes on every record.
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

  // ---- producer -----------------------------------------------------------

  // Room for an entry of n bytes (n a multiple of 8, n <= max_entry()), or
  // nullptr if the ring is full now. Nothing is visible to the reader until
  // commit().
  std::byte* try_reserve(std::size_t n) noexcept {
    std::uint64_t pos = write_local_;
    std::size_t off = pos & mask_;
    const std::size_t contiguous = capacity_ - off;
    const std::uint64_t need = bytes_needed(n, contiguous);
    if (pos + need - read_cache_ > capacity_) {
      read_cache_ = read_pos_.load(order_acquire);
      if (pos + need - read_cache_ > capacity_) return nullptr;
    }
    if (n > contiguous) {
      // The marker stays invisible until commit() publishes past it.
      auto* marker = reinterpret_cast<record_header*>(buf_ + off);
      marker->size = static_cast<std::uint32_t>(contiguous);
      marker->kind = record_kind::wrap;
      write_local_ = pos + contiguous;
      off = 0;
    }
    return buf_ + off;
  }

  // The producer's call state, in one word the writer reads when it polls:
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
  // The state is also the thread's "in a call" mark: begin_call() returns
  // false, changing nothing, when a call is already under way on this ring.
  // Only the owner writes the state, so that can only be a signal handler
  // that interrupted a call of its own thread; it must not touch the ring
  // (the interrupted call may hold a reservation), and the caller counts
  // its record as dropped instead. A signal between the load and the store
  // runs a whole call of its own and leaves the state at 0 again.
  [[nodiscard]] bool begin_call() noexcept {
    if (in_flight_.load(order_relaxed) != 0) return false;
    in_flight_.store(1, order_relaxed);
    signal_fence();
    return true;
  }
  void end_call() noexcept { in_flight_.store(0, order_release); }

  // Stamps the entry at `entry` (returned by try_reserve) with the time and
  // publishes it. Called between begin_call() and end_call().
  void commit(std::byte* entry, std::size_t n) noexcept {
    in_flight_.store(2, order_relaxed);
    signal_fence();
    reinterpret_cast<record_header*>(entry)->ticks = ticks();
    write_local_ += n;
    write_pos_.store(write_local_, order_release);
  }

  // Bytes an entry of n bytes takes at a write offset with `contiguous`
  // bytes before the buffer's end: the entry, plus the skipped tail (a wrap
  // marker) if it does not fit there.
  static std::uint64_t bytes_needed(std::size_t n, std::size_t contiguous) noexcept {
    return n <= contiguous ? n : contiguous + n;
  }

  // ---- a caller waiting for room (backpressure::block) ---------------------
  //
  // A caller whose entry does not fit says how far the reader must get for
  // it to fit (prepare_wait()) and sleeps on a futex (wait()); the reader,
  // after each entry, looks whether a waiter's entry fits now
  // (waiter_fits(): a load from a line only a blocking caller writes, so
  // it hits the reader's cache and costs nothing while nobody waits), and
  // then gives the space back and wakes it (publish()): the caller goes
  // on as soon as there is room for its record, with no spinning, yielding
  // or fixed naps.
  //
  // No wake-up is lost: the caller stores waiting_ and then loads
  // read_pos_, the reader stores read_pos_ and then loads waiting_, with a
  // full fence between on both sides, so at least one sees the other's
  // store. A stale wake_at_ can only wake a caller early, which then looks
  // again. The wait has a timeout as a safety net and ends at a signal
  // (never restarted), so a signal handler's call on the same thread never
  // waits behind it.

  // Producer, outside a call: announces a wait for room for an entry of n
  // bytes and `extra` bytes more (so that one wake-up serves the next calls
  // too; capped at an empty ring). False, announcing nothing, if the entry
  // fits already.
  [[nodiscard]] bool prepare_wait(std::size_t n, std::size_t extra) noexcept;
  // Producer, after prepare_wait() returned true: sleeps until the reader
  // wakes it, a signal arrives or about `timeout_us` pass.
  void wait(long timeout_us) noexcept;

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
  // Producer line.
  alignas(cache_line) atomic_word<std::uint64_t> write_pos_{0};
  atomic_word<std::uint32_t> in_flight_{0};
  std::uint64_t write_local_ = 0;
  std::uint64_t read_cache_ = 0;

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

}  // namespace jot::detail
