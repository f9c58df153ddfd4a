// The caller's slow paths: first call on a thread, full ring, very large
// record, calls after shutdown.
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>

#include <fmt/format.h>

#include "backend/backend.h"
#include "backend/backtrace.h"
#include "backend/lifecycle.h"
#include "backend/queues.h"
#include "frontend/crash_hooks.h"
#include "frontend/delivery.h"
#include "frontend/thread_state.h"
#include "jot/logger.h"
#include "jot/sink.h"
#include "platform/immortal.h"
#include "platform/thread.h"

namespace jot::detail {

constinit thread_local ring_producer tls_producer;

namespace {

// The queue whose ring tls_producer writes (for its counters).
constinit thread_local thread_queue* tls_queue = nullptr;

// A record dropped in drop mode: counted, so that records logged = records
// written + records dropped. (Records lost otherwise, to a failed
// allocation or by a sink that logs while its own ring is full, are
// reported to the error handler one by one.)
void count_lost(const logger& lg) noexcept {
  if (tls_queue != nullptr) count_drop(*tls_queue, lg);
}

// A pthread key rather than a thread_local object with a destructor: key
// destructors run after every C++ thread_local destructor, so user objects
// that log from their own thread_local destructors still find the ring.
// (The main thread's ring is never abandoned; shutdown drains it.)
void on_thread_exit(void* p) noexcept {
  release_signal_stack();
  tls_producer.attach(nullptr);
  tls_queue = nullptr;
  static_cast<thread_queue*>(p)->abandoned.store(true, std::memory_order_release);
}

const pthread_key_t* exit_key() noexcept {
  static pthread_key_t key;
  static const bool ready = pthread_key_create(&key, on_thread_exit) == 0;
  return ready ? &key : nullptr;
}

// Set while this thread registers its ring: a signal handler's call made
// meanwhile finds no ring yet and must not make a second one.
constinit thread_local bool tls_registering = false;

// Set while a blocked call waits outside its call (see push_entry()): a
// signal handler's call meanwhile must not grow the ring the waiting call
// still points to.
constinit thread_local bool tls_waiting = false;

// Held while a thread makes and registers its ring; fork() takes it
// (lock_registration_for_fork()), so a child never inherits a ring that a
// thread it does not have was halfway through registering (and could not
// free).
std::mutex& registration_mutex() noexcept {
  static immortal<std::mutex> mu;
  return mu.get();
}

// Makes this thread's ring and attaches tls_producer to it; on failure
// (reported) it stays detached.
void register_thread() noexcept {
  if (!ensure_started()) return;
  // Marked before the lock: a signal handler's call from here on must not
  // come back for it.
  struct registering {
    registering() noexcept { tls_registering = true; }
    ~registering() { tls_registering = false; }
    registering(const registering&) = delete;
    registering& operator=(const registering&) = delete;
  } const mark;
  std::unique_lock<std::mutex> registering_lock(registration_mutex());
  try {
    auto q = std::make_unique<thread_queue>(configured_ring_bytes());
    q->thread_id = current_thread_id();
    q->thread_name = current_thread_name();
    // Before any record of this ring is stamped (see queue_set::horizon()).
    q->clear_seen = ticks();
    q->registered_ticks = q->clear_seen;
    if (const pthread_key_t* key = exit_key()) pthread_setspecific(*key, q.get());
    q->ring_bytes.store(q->ring->capacity(), std::memory_order_relaxed);
    prepare_signal_stack();
    tls_producer.attach(q->ring);
    tls_queue = q.get();
    register_queue(q.release());
  } catch (const std::exception& e) {
    // Reported without the lock: the error handler may fork().
    registering_lock.unlock();
    report_error(fmt::format("cannot create this thread's ring: {}", e.what()));
  }
}

enum class pushed { yes, dropped, no_writer };

// A ring that could not grow (out of memory): reported once per thread,
// after the call.
constinit thread_local std::size_t tls_grow_failed = 0;
constinit thread_local bool tls_grow_reported = false;

void report_grow_failure() noexcept {
  if (tls_grow_failed == 0) return;
  tls_grow_reported = true;
  const std::size_t cap = tls_grow_failed;
  tls_grow_failed = 0;
  report_error(fmt::format("out of memory: a thread's ring cannot grow to {} bytes", cap));
}

// backpressure::grow: chains a ring twice the size of the thread's ring (or
// larger, to fit an entry of `need` bytes) after it, and moves this
// thread's calls there: the call under way ends in the old ring and goes
// on in the new one (ring_producer::move_to()). False, changing nothing, if
// that would pass options::ring_max_bytes or memory is short.
bool grow_ring(ring_producer& ring, std::size_t need) noexcept {
  thread_queue* q = tls_queue;
  if (q == nullptr || tls_waiting) return false;
  const std::size_t max = std::bit_ceil(configured_ring_max_bytes());
  std::size_t cap = ring.capacity();
  do {
    if (cap >= max) return false;
    cap *= 2;
  } while (cap / 2 < need);
  byte_ring* fresh = nullptr;
  try {
    fresh = new byte_ring(cap, false);
  } catch (const std::exception&) {
    // Reported once the call has ended (an error handler may log).
    if (!tls_grow_reported) tls_grow_failed = cap;
    return false;
  }
  q->growths.store(q->growths.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  q->ring_bytes.store(cap, std::memory_order_relaxed);
  ring.move_to(fresh);
  return true;
}

// A blocked caller first looks again this many times, a pause apart (the
// writer may be giving space back right now), then sleeps until the writer
// wakes it, with this timeout as a safety net (see byte_ring::wait()).
constexpr unsigned spin_rounds = 16;
constexpr long wait_timeout_us = 10'000;

// How much room beyond its record a sleeping caller waits for: a sixteenth
// of its ring. The writer's wake-up is a system call (and, on a virtual
// machine, an interrupt to a halted CPU): woken for each record, or for a
// few (1 KiB), a saturated caller costs the writer a fifth of its rate,
// and 1 to 16% of its calls wait tens of microseconds each; woken for a
// sixteenth of the ring (about a thousand records of a 1 MiB ring), about
// one call in a thousand waits, and the writer keeps its rate (docs/
// internals.md §3, docs/performance.md "Many threads"). Either way a saturated caller
// logs at its share of the writer's rate: the choice is only how that time
// is spread over its calls.
std::size_t wake_spare(const ring_producer& ring) noexcept { return ring.capacity() / 16; }

// Between ring.begin_call() and end_call(): puts the entry in the ring,
// doing what the logger's backpressure says when the ring is full. Blocking
// waits for room: it looks again briefly, then sleeps on the ring until the
// writer has read enough for the entry to fit (ring_producer::prepare_wait());
// while it waits the call is not "in flight" (the writer must not hold its
// horizon, or a shutdown, for a caller that only waits), and afterwards it
// looks at the logger's state again. Growing moves `ring` to a new ring.
// no_writer: write synchronously instead.
pushed push_entry(ring_producer& ring, const logger& lg, const std::byte* entry,
                  std::size_t size) noexcept {
  for (unsigned i = 0;; ++i) {
    if (std::byte* dst = ring.try_reserve(size)) {
      std::memcpy(dst, entry, size);
      ring.commit(dst, size);
      return pushed::yes;
    }
    if (writing_on_this_thread()) {
      // A sink, formatter or error handler logging on the thread that
      // writes (or that holds a sink's lock in sync mode): the writer may
      // need what this thread holds to make room, so waiting may never end.
      // Reported on its own, not counted as a drop-mode drop.
      report_error(
          "a record logged from a sink, formatter or error handler was dropped: its ring is "
          "full and only the thread that logged it could empty it");
      return pushed::dropped;
    }
    if (!writer_running()) return pushed::no_writer;
    const std::uint32_t mode = when_full(lg);
    if ((mode & state_grow) != 0) {
      if (grow_ring(ring, size)) continue;
    }
    if (i == 0 && tls_queue != nullptr) raise_high_water(*tls_queue, ring.capacity());
    if ((mode & (state_drop | state_drop_at_max)) != 0) {
      // Drop mode: never wait. The writer reports the count.
      count_lost(lg);
      if (i == 0) wake_writer_for_room();
      return pushed::dropped;
    }
    if (i == 0) wake_writer_for_room();
    ring.end_call();
    // Kept and put back: this may be a signal handler's call that
    // interrupted a waiting call of the same thread.
    const bool was_waiting = tls_waiting;
    tls_waiting = true;
    if (i < spin_rounds) {
      cpu_relax();
    } else if (ring.prepare_wait(size, wake_spare(ring))) {
      ring.wait(wait_timeout_us);  // a signal cuts it short: then look again
    }
    tls_waiting = was_waiting;
    // A signal handler's call meanwhile ran to its end: the state is free.
    static_cast<void>(ring.begin_call());
    if ((lg.state() & state_stopped) != 0) return pushed::no_writer;
  }
}

// A record too large for the ring: its bytes move to the heap and the ring
// carries a pointer, so it keeps its place in the thread's order.
pushed push_indirect(ring_producer& ring, const logger& lg, const std::byte* entry,
                     std::size_t size) noexcept {
  std::unique_ptr<std::byte[]> heap(new (std::nothrow) std::byte[size]);
  if (!heap) {
    report_error(fmt::format("out of memory: a record of {} bytes from logger '{}' is lost", size,
                             lg.name()));
    return pushed::dropped;
  }
  std::memcpy(heap.get(), entry, size);
  alignas(8) std::byte small[sizeof(record_header) + sizeof(heap_payload)];
  auto* h = reinterpret_cast<record_header*>(small);
  h->size = sizeof small;
  h->kind = record_kind::indirect;
  h->flags = 0;
  h->reserved = 0;
  h->site = reinterpret_cast<const record_header*>(entry)->site;
  h->log = &lg;
  const heap_payload payload{heap.get(), size};
  std::memcpy(small + sizeof(record_header), &payload, sizeof payload);
  const pushed result = push_entry(ring, lg, small, sizeof small);
  if (result == pushed::yes) static_cast<void>(heap.release());  // the writer frees it
  return result;
}

}  // namespace

void forget_thread_ring_after_fork() noexcept {
  tls_producer.attach(nullptr);
  tls_queue = nullptr;
  if (const pthread_key_t* key = exit_key()) pthread_setspecific(*key, nullptr);
}

void drop_interrupted(const logger& lg) noexcept {
  if (tls_queue != nullptr) {
    count_drop(*tls_queue, lg, true);
  } else {
    count_interrupted_unqueued();
  }
}

// Where a record goes: the writer's ring, or the sinks on this thread
// (delivery::sync), or the ring as a rendered record (async_eager); and,
// when jot has shut down, the sinks on this thread whatever the mode. The
// ring path: creates the thread's ring on its first call, does what the
// logger's backpressure says when it is full, moves a record too large for
// it to the heap.
void submit_encoded(const logger& lg, std::byte* entry, std::size_t size) noexcept {
  if (entry == nullptr) {
    report_error(fmt::format("out of memory: a record of {} bytes from logger '{}' is lost", size,
                             lg.name()));
    return;
  }
  if (size > max_record_size) {
    report_error(
        fmt::format("a record of {} bytes from logger '{}' is lost: records are limited "
                    "to 4 GiB",
                    size, lg.name()));
    return;
  }
  const std::uint32_t state = lg.state();
  // With a backtrace, whatever the delivery mode, the writer gets the
  // records it keeps, and those that dump what it kept (so they follow it).
  bool to_writer = false;
  if ((state & state_backtrace) != 0) {
    const level lvl = reinterpret_cast<const record_header*>(entry)->site->lvl;
    const backtrace_store* bt = lg.backtrace();
    to_writer = lvl < lg.get_level() ||
                (bt != nullptr && lvl >= bt->dump_at.load(std::memory_order_relaxed));
  }
  const bool on_caller =
      !to_writer && (state & state_stopped) == 0 && (state & state_delivery_mask) != 0;
  if (on_caller && (state & state_delivery_sync) != 0 && write_direct(lg, entry, size)) return;
  // async_eager: the rendered record goes to the ring instead (the thread's
  // buffer holding it stays reserved until `eager` is gone).
  const eager_record eager =
      on_caller && (state & state_delivery_sync) == 0 ? render_eager(entry, size) : eager_record{};
  if (eager.data != nullptr) {
    entry = eager.data;
    size = eager.size;
  }
  for (;;) {
    ring_producer& ring = tls_producer;
    if (ring.ring() == nullptr && tls_registering) {
      drop_interrupted(lg);
      return;
    }
    if (ring.ring() == nullptr && (lg.state() & state_stopped) == 0) register_thread();
    if (ring.ring() != nullptr) {
      if (!ring.begin_call()) {
        drop_interrupted(lg);
        return;
      }
      if ((lg.state() & state_stopped) == 0) {
        // Grow mode makes room for a large record, up to its maximum.
        if (size > ring.max_entry() && (when_full(lg) & state_grow) != 0) {
          static_cast<void>(grow_ring(ring, size));
        }
        const pushed result = size <= ring.max_entry() ? push_entry(ring, lg, entry, size)
                                                       : push_indirect(ring, lg, entry, size);
        if (result != pushed::no_writer) {
          ring.end_call();
          report_grow_failure();
          return;
        }
      }
      ring.end_call();
      report_grow_failure();
    } else if (writer_running() && (lg.state() & state_stopped) == 0) {
      // The ring could not be made (reported); writing synchronously would
      // wait for the writer's consumer role until shutdown.
      report_error(
          fmt::format("a record from logger '{}' is lost: this thread has no ring", lg.name()));
      return;
    }
    // False only if jot was started again meanwhile: then the ring again.
    if (write_sync(lg, entry, size)) return;
  }
}

}  // namespace jot::detail

namespace jot {

bool prepare_thread() noexcept {
  using namespace detail;
  // The buffers for arguments formatted on the caller (user types).
  prepare_caller_texts();
  if (tls_producer.ring() == nullptr && !tls_registering) register_thread();
  return tls_producer.ring() != nullptr && writer_running();
}

}  // namespace jot

namespace jot::detail {

void build_submit_statics() noexcept {
  static_cast<void>(exit_key());
  static_cast<void>(registration_mutex());
}

void lock_registration_for_fork() noexcept { registration_mutex().lock(); }

void unlock_registration_after_fork(bool child) noexcept {
  if (child) {
    ::new (&registration_mutex()) std::mutex;
  } else {
    registration_mutex().unlock();
  }
}

}  // namespace jot::detail
