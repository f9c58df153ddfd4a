// The writer thread: poll every ring, merge by time, render, write, flush;
// and the calls that start, flush and stop it.
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "backend/backend.h"
#include "backend/dispatch.h"
#include "backend/queues.h"
#include "jot/config.h"
#include "jot/logger.h"
#include "jot/sink.h"
#include "platform/clock.h"
#include "platform/immortal.h"
#include "platform/thread.h"
#include "sinks/reopen.h"

namespace jot::detail {
namespace {

enum class life { never_started, running, stopped };

// Records are merged in batches of at most this many, so flush requests
// and read-position publishing are looked at regularly under load.
constexpr std::size_t batch_records = 4096;
// How far behind "now" the merge stays: longer than a store can sit in a
// producer's store buffer (see byte_ring::commit()).
constexpr std::uint64_t ordering_margin_ns = 5'000;

struct writer_state {
  std::mutex life_mu;  // serialises start() and shutdown()
  std::atomic<life> state{life::never_started};
  options opts;
  std::thread thread;
  bool exit_hook_installed = false;

  std::mutex mu;  // guards the fields below
  std::condition_variable wake;
  std::condition_variable flushed;
  bool stop = false;
  std::uint64_t flush_requested = 0;
  std::uint64_t flush_completed = 0;
  std::uint64_t flush_target = 0;
  std::atomic<bool> flush_pending{false};
  // A producer found its ring full. Set without the lock, so a thread that
  // keeps finding its ring full (drop mode) pays for one wake-up only.
  std::atomic<bool> room_wanted{false};
  std::atomic<std::size_t> ring_bytes{options{}.ring_bytes};
  std::atomic<std::uint32_t> when_full{0};  // state bits for options::on_full and at_max
  std::atomic<std::size_t> ring_max_bytes{options{}.ring_max_bytes};
};

writer_state& ws() noexcept {
  // Never destroyed: log calls from static destructors still find it.
  static immortal<writer_state> s;
  return s.get();
}

void complete_flushes(std::uint64_t upto) {
  writer_state& w = ws();
  {
    const std::lock_guard<std::mutex> lk(w.mu);
    w.flush_completed = std::max(w.flush_completed, upto);
    if (w.flush_completed >= w.flush_requested) w.flush_pending.store(false);
  }
  w.flushed.notify_all();
}

std::mutex& fork_mutex() noexcept {
  static immortal<std::mutex> mu;
  return mu.get();
}

constinit thread_local bool tls_consumer = false;

void run_writer() {
  const consumer_role_scope role_for_life;
  writer_state& w = ws();
  const std::unique_lock<std::mutex> role(consumer_mutex());
  // The set-up runs under the fork lock too: a fork() while this thread is
  // inside a static's first construction (the dispatcher's, say) would
  // leave the child a guard that no thread of its own will ever release.
  std::unique_lock<std::mutex> setting_up(fork_mutex());
  name_current_thread(w.opts.writer_name);
  pin_current_thread(w.opts.writer_cpu);

  wall_clock& clock = the_wall_clock();
  clock.calibrate();
  const std::uint64_t margin = clock.ticks_for_ns(ordering_margin_ns);
  // How often time-based flush policies are looked at while busy.
  const std::uint64_t service_period = clock.ticks_for_ns(1'000'000);
  std::uint64_t next_service = 0;
  queue_set& queues = the_queues();
  dispatcher& d = the_dispatcher();
  setting_up.unlock();
  std::uint64_t emitted_ticks = 0;  // the time of the last record written
  const auto emit = [&d, &emitted_ticks](const record_header& h, const thread_queue& q) {
    emitted_ticks = h.ticks;
    d.process(h, q.thread_id, q.thread_name);
  };

  const auto max_sleep = std::max(w.opts.max_idle_sleep, std::chrono::microseconds(1));
  std::chrono::microseconds sleep{0};
  unsigned idle_rounds = 0;
  std::uint64_t stop_ticks = 0;
  bool stopping = false;

  for (;;) {
    // Held while rings are read and sinks written; fork() waits for it
    // (see prepare_fork()), so a child never inherits half a write.
    std::unique_lock<std::mutex> working(fork_mutex());
    // The clock first: a ring registered after this reading can only hold
    // records stamped after it, so adopting later cannot let one slip
    // under the horizon.
    const std::uint64_t now = ticks_ordered();
    queues.adopt();
    const std::uint64_t limit = queues.horizon(now, margin);

    // While a flush waits, emit only what it waits for: records that keep
    // arriving after its time must not hold it up.
    const bool flushing = w.flush_pending.load(std::memory_order_acquire);
    std::uint64_t flush_request = 0;
    std::uint64_t flush_target = 0;
    if (flushing) {
      const std::lock_guard<std::mutex> lk(w.mu);
      flush_request = w.flush_requested;
      flush_target = w.flush_target;
    }
    const std::uint64_t upto = flushing ? std::min(limit, flush_target) : limit;
    const std::size_t n = queues.drain(upto, batch_records, emit);
    // Drop warnings are stamped with a time no unwritten record is older
    // than: `upto` once the drain reached it, else the last record's time
    // (the merge wrote everything older); never earlier than a record
    // already written (a flush may hold `upto` back). Reported after
    // reading the flush request, so drops made before a flush() are
    // reported before it returns.
    const std::uint64_t drops_at =
        n < batch_records ? std::max(upto, emitted_ticks) : emitted_ticks;
    report_drops(queues, drops_at, flushing || stopping);
    queues.publish_and_reap();
    if (flushing && n < batch_records && limit >= flush_target) {
      d.flush_all(true);
      complete_flushes(flush_request);
    }
    if (now >= next_service) {
      // Flush policies by time (flush_policy::every, fsync_every).
      next_service = now + service_period;
      d.service(false);
    }
    if (n > 0) {
      idle_rounds = 0;
      sleep = std::chrono::microseconds{0};
      continue;
    }

    if (!stopping) {
      const std::lock_guard<std::mutex> lk(w.mu);
      if (w.stop) {
        stopping = true;
        stop_ticks = now;
      }
    }
    if (stopping) {
      // Everything stamped before the stop request, and nothing in flight.
      if (limit >= stop_ticks && queues.idle()) break;
      std::this_thread::yield();
      continue;
    }

    // Idle: hand buffered bytes to the system (as the sinks' policies
    // say), keep the clock honest, back off.
    const std::int64_t due_ns = d.service(true);
    clock.resync(now);
    working.unlock();
    if (w.flush_pending.load(std::memory_order_acquire)) {
      std::this_thread::yield();  // a flush waits for the horizon to pass its target
      continue;
    }
    if (++idle_rounds < 8) {
      std::this_thread::yield();
      continue;
    }
    sleep = sleep.count() == 0 ? std::chrono::microseconds(20) : std::min(sleep * 2, max_sleep);
    // Not past the time a flush policy asks for a flush or a sync.
    auto nap = sleep;
    if (due_ns != std::numeric_limits<std::int64_t>::max()) {
      const std::int64_t until_due_us = (due_ns - monotonic_ns()) / 1000;
      nap =
          std::clamp(std::chrono::microseconds(until_due_us), std::chrono::microseconds(1), sleep);
    }
    std::unique_lock<std::mutex> lk(w.mu);
    w.wake.wait_for(lk, nap,
                    [&w] { return w.stop || w.room_wanted.load() || w.flush_pending.load(); });
    if (w.room_wanted.exchange(false)) {
      sleep = std::chrono::microseconds{0};
    }
  }

  std::size_t holding = 0;
  {
    const std::lock_guard<std::mutex> working(fork_mutex());
    report_drops(queues, ticks_ordered(), true);
    d.flush_all(true);
    holding = d.sinks_holding_unwritten();
  }
  if (holding != 0) {
    report_error(fmt::format(
        "shutdown: {} sink(s) still hold records they could not write (their earlier reports "
        "say why); they are written if the sink recovers while the process still logs, and "
        "lost if it exits first",
        holding));
  }
  std::uint64_t requested = 0;
  {
    const std::lock_guard<std::mutex> lk(w.mu);
    requested = w.flush_requested;
  }
  complete_flushes(requested);
}

// fork(): the parent pauses its writer between two batches and empties the
// sinks' buffers, so the child inherits no half-written line and no bytes
// the parent will write too. The child rebuilds every lock (their holders
// did not come along), drops its copies of the rings (the parent writes
// those records) and starts a writer of its own on its first log call.
bool fork_paused = false;

void prepare_fork() noexcept {
  writer_state& w = ws();
  w.life_mu.lock();
  if (w.state.load() == life::running) {
    fork_mutex().lock();
    fork_paused = true;
  }
  // Flushes each sink under its lock, as it takes them all.
  lock_sinks_for_fork();
}

void parent_after_fork() noexcept {
  writer_state& w = ws();
  unlock_sinks_after_fork();
  if (fork_paused) {
    fork_paused = false;
    fork_mutex().unlock();
  }
  w.life_mu.unlock();
}

void child_after_fork() noexcept {
  writer_state& w = ws();
  unlock_sinks_after_fork();  // taken by this thread, which the child keeps
  fork_paused = false;
  ::new (&w.life_mu) std::mutex;
  ::new (&w.mu) std::mutex;
  ::new (&w.wake) std::condition_variable;
  ::new (&w.flushed) std::condition_variable;
  ::new (&fork_mutex()) std::mutex;
  ::new (&consumer_mutex()) std::mutex;
  ::new (&w.thread) std::thread;  // the parent's writer is not in this process
  w.stop = false;
  w.room_wanted.store(false);
  w.flush_requested = w.flush_completed = w.flush_target = 0;
  w.flush_pending.store(false);
  if (w.state.load() == life::running) w.state.store(life::never_started);
  forget_queues_after_fork();
  reset_locks_after_fork();
  reset_pending_after_fork();
}

void start_locked(const options& opts) {
  writer_state& w = ws();
  choose_tick_source(opts.clock);
  if (opts.clock == clock_source::system &&
      g_tick_source.load() != static_cast<int>(tick_source::monotonic)) {
    report_error(
        "options::clock = system is ignored: the clock was fixed by an earlier log call "
        "or flush(); call start() first");
  }
  if (opts.error_handler) set_error_handler(opts.error_handler);
  if (opts.reopen_on_sighup) install_sighup_reopen();
  w.opts = opts;
  w.ring_bytes.store(opts.ring_bytes);
  w.when_full.store(backpressure_bits(opts.on_full, opts.at_max));
  w.ring_max_bytes.store(std::max(opts.ring_max_bytes, opts.ring_bytes));
  {
    const std::lock_guard<std::mutex> lk(w.mu);
    w.stop = false;
  }
  // Built here, under the life lock fork() also takes, not first on the
  // new thread or a thread's first call: a child must never inherit one
  // half built (a static's guard that no thread of the child releases).
  static_cast<void>(consumer_mutex());
  static_cast<void>(fork_mutex());
  static_cast<void>(the_wall_clock());
  build_queue_statics();
  build_dispatch_statics();
  build_submit_statics();
  build_delivery_statics();
  build_context_statics();
  w.thread = std::thread(run_writer);
  w.state.store(life::running, std::memory_order_release);
  set_all_loggers_sync(false);
  if (!w.exit_hook_installed) {
    w.exit_hook_installed = true;
    pthread_atfork(prepare_fork, parent_after_fork, child_after_fork);
    // Registered after the writer starts, so it runs before the destructors
    // of statics built earlier: those still log, synchronously.
    std::atexit([] { jot::shutdown(); });
  }
}

}  // namespace

std::mutex& consumer_mutex() noexcept {
  static immortal<std::mutex> mu;
  return mu.get();
}

bool holds_consumer_role() noexcept { return tls_consumer; }

consumer_role_scope::consumer_role_scope() noexcept { tls_consumer = true; }
consumer_role_scope::~consumer_role_scope() { tls_consumer = false; }

bool writer_running() noexcept {
  return ws().state.load(std::memory_order_acquire) == life::running;
}

std::size_t configured_ring_bytes() noexcept { return ws().ring_bytes.load(); }

std::size_t configured_ring_max_bytes() noexcept { return ws().ring_max_bytes.load(); }

std::uint32_t backpressure_bits(backpressure b, backpressure at_max) noexcept {
  switch (b) {
    case backpressure::drop:
      return state_drop;
    case backpressure::grow:
      return state_grow | (at_max == backpressure::drop ? state_drop_at_max : 0);
    case backpressure::block:
      break;
  }
  return 0;
}

std::uint32_t when_full(const logger& lg) noexcept {
  const std::uint32_t s = lg.state();
  if ((s & state_own_backpressure) != 0) return s & state_backpressure_mask;
  return ws().when_full.load(std::memory_order_relaxed);
}

void wake_writer_for_room() noexcept {
  writer_state& w = ws();
  {
    // Already asked, and the writer has not woken since.
    if (w.room_wanted.exchange(true)) return;
    // Taking the lock orders the flag before the writer's next look at it.
    const std::lock_guard<std::mutex> lk(w.mu);
  }
  w.wake.notify_one();
}

bool ensure_started() noexcept {
  writer_state& w = ws();
  const life s = w.state.load(std::memory_order_acquire);
  if (s == life::running) return true;
  if (s == life::stopped) return false;
  try {
    const std::lock_guard<std::mutex> lk(w.life_mu);
    // The options of an earlier start (in a parent process before fork())
    // still apply; otherwise the defaults.
    if (w.state.load() == life::never_started) start_locked(w.opts);
  } catch (const std::exception& e) {
    report_error(fmt::format("cannot start the writer thread: {}", e.what()));
  }
  return w.state.load() == life::running;
}

}  // namespace jot::detail

namespace jot {

using detail::life;
using detail::ws;

bool start(const options& opts) {
  detail::writer_state& w = ws();
  const std::lock_guard<std::mutex> lk(w.life_mu);
  if (w.state.load() == life::running) return false;
  detail::start_locked(opts);
  return true;
}

bool running() noexcept { return detail::writer_running(); }

stats_snapshot stats() { return detail::the_queues().stats(); }

void flush() noexcept {
  detail::writer_state& w = ws();
  // From a sink, formatter or error handler: this thread is the one writing.
  if (detail::holds_consumer_role() || detail::writing_on_caller()) return;
  if (w.state.load(std::memory_order_acquire) == life::running) {
    const std::uint64_t target = detail::ticks_ordered();
    std::unique_lock<std::mutex> lk(w.mu);
    if (!w.stop) {
      const std::uint64_t request = ++w.flush_requested;
      w.flush_target = std::max(w.flush_target, target);
      w.flush_pending.store(true, std::memory_order_release);
      w.wake.notify_one();
      w.flushed.wait(
          lk, [&] { return w.flush_completed >= request || w.state.load() != life::running; });
      return;
    }
  }
  // No writer: drain what is left and flush on this thread.
  try {
    const std::lock_guard<std::mutex> lock(detail::consumer_mutex());
    const detail::consumer_role_scope role;
    detail::drain_all_here();
    detail::dispatcher& d = detail::the_dispatcher();
    d.flush_all(true);
  } catch (...) {
    report_error("flush failed");
  }
}

void shutdown() noexcept {
  detail::writer_state& w = ws();
  try {
    const std::lock_guard<std::mutex> lk(w.life_mu);
    if (w.state.load() != life::running) return;
    if (detail::holds_consumer_role() || detail::writing_on_caller()) {
      report_error("shutdown() called from a sink, formatter or error handler: ignored");
      return;
    }
    // From here on, calls write synchronously; they wait for the consumer
    // role until the writer has drained and stopped.
    detail::set_all_loggers_sync(true);
    // Every call that read the old state has its ring's in-flight flag
    // visible by now (see byte_ring::begin_call()), so the writer's last
    // drain waits for it.
    detail::process_wide_barrier();
    {
      const std::lock_guard<std::mutex> g(w.mu);
      w.stop = true;
    }
    w.wake.notify_one();
    w.thread.join();
    w.state.store(life::stopped, std::memory_order_release);
    w.flushed.notify_all();
  } catch (...) {
    report_error("shutdown failed");
  }
  // A call that read the logger's state just before the switch may have
  // committed after the writer's last look: write it now.
  flush();
}

}  // namespace jot
