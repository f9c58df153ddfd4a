// The writer thread: poll every ring, merge by time, render, write, flush;
// and the calls that start, flush and stop it.
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "backend/backend.h"
#include "backend/backtrace.h"
#include "backend/dispatch.h"
#include "backend/lifecycle.h"
#include "backend/queues.h"
#include "jot/config.h"
#include "jot/logger.h"
#include "jot/sink.h"
#include "platform/clock.h"
#include "platform/immortal.h"
#include "platform/thread.h"
#include "sinks/reopen.h"
#include "sinks/sink_control.h"

namespace jot::detail {
namespace {

enum class life { never_started, running, stopped };

// Records are merged in batches of at most this many, so flush requests
// and read-position publishing are looked at regularly under load.
constexpr std::size_t batch_records = 4096;
// How far behind "now" the merge stays: longer than a store can sit in a
// producer's store buffer (see ring_producer::commit()).
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

// Set while this thread holds the life lock: fork() from an error handler
// called under it must not wait for it (see prepare_fork()).
constinit thread_local bool tls_holds_life_lock = false;

// The life lock (start, shutdown), noted in tls_holds_life_lock.
class life_lock {
 public:
  explicit life_lock(std::mutex& mu) : mu_(mu) {
    mu_.lock();
    tls_holds_life_lock = true;
  }
  ~life_lock() {
    tls_holds_life_lock = false;
    mu_.unlock();
  }
  life_lock(const life_lock&) = delete;
  life_lock& operator=(const life_lock&) = delete;

 private:
  std::mutex& mu_;
};

constinit thread_local bool tls_consumer = false;
// Inside a delivery::sync write: this thread holds sink and formatter locks.
constinit thread_local bool tls_sync_writing = false;

// The crash handler's requests (see request_emergency_flush()): plain
// atomics, which a signal handler may store and load.
std::atomic<std::uint64_t> g_emergency_target{0};
std::atomic<std::uint64_t> g_emergency_done{0};
std::atomic<bool> g_emergency_sync{false};
std::atomic<bool> g_emergency{false};
// True while the writer runs its loop and so answers emergency requests;
// false once it has left it (shutdown), though the thread may not have
// ended yet.
std::atomic<bool> g_writer_serving{false};

// After an emergency flush: every sink synced, if the crash handler asked.
void finish_emergency(dispatcher& d, std::uint64_t target) noexcept {
  try {
    dump_all_kept(d);  // the flight recorder's records explain the crash
  } catch (...) {
  }
  d.flush_all(true);
  if (g_emergency_sync.load(std::memory_order_relaxed)) sync_every_sink();
  g_emergency_done.store(target, std::memory_order_release);
}

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

  std::int64_t last_oom_report_ns = 0;
  std::uint64_t oom_failures = 0;
  char oom_what[128] = {};
  g_writer_serving.store(true, std::memory_order_release);
  for (;;) {
    try {
      if (oom_failures != 0) {
        char message[256];
        std::snprintf(message, sizeof message,
                      "the writer thread could not allocate %llu time(s) (%s) and went on; "
                      "no record was lost",
                      static_cast<unsigned long long>(oom_failures), oom_what);
        oom_failures = 0;
        report_error(message);
      }
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
      // arriving after its time must not hold it up. The crash handler's
      // emergency flush is one more such flush, asked without the lock.
      const bool normal_flush = w.flush_pending.load(std::memory_order_acquire);
      const std::uint64_t emergency_to = g_emergency_target.load(std::memory_order_acquire);
      const bool emergency_due = emergency_to > g_emergency_done.load(std::memory_order_relaxed);
      const bool flushing = normal_flush || emergency_due;
      std::uint64_t flush_request = 0;
      std::uint64_t flush_target = 0;
      if (normal_flush) {
        const std::lock_guard<std::mutex> lk(w.mu);
        flush_request = w.flush_requested;
        flush_target = w.flush_target;
      }
      if (emergency_due) flush_target = std::max(flush_target, emergency_to);
      const std::uint64_t upto = flushing ? std::min(limit, flush_target) : limit;
      std::size_t n = 0;
      {
        const dispatcher::batch batch(d);  // a raw sink's lock taken once for a run of records
        n = queues.drain(upto, batch_records, emit);
      }
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
        if (emergency_due) {
          finish_emergency(d, emergency_to);
        } else {
          if (take_backtrace_dump_request()) dump_all_kept(d);
          d.flush_all(true);
        }
        if (normal_flush) complete_flushes(flush_request);
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
      if (w.flush_pending.load(std::memory_order_acquire) ||
          g_emergency_target.load(std::memory_order_acquire) >
              g_emergency_done.load(std::memory_order_relaxed)) {
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
        nap = std::clamp(std::chrono::microseconds(until_due_us), std::chrono::microseconds(1),
                         sleep);
      }
      std::unique_lock<std::mutex> lk(w.mu);
      w.wake.wait_for(lk, nap,
                      [&w] { return w.stop || w.room_wanted.load() || w.flush_pending.load(); });
      if (w.room_wanted.exchange(false)) {
        sleep = std::chrono::microseconds{0};
      }
    } catch (const std::exception& e) {
      // Out of memory (what the writer's own code can throw): a record is
      // consumed only once handed to the sinks, so nothing read is lost;
      // the loop goes on after a pause, and says so at most once a second.
      ++oom_failures;
      std::snprintf(oom_what, sizeof oom_what, "%s", e.what());
      const std::int64_t now_ns = monotonic_ns();
      if (now_ns - last_oom_report_ns >= 1'000'000'000) {
        last_oom_report_ns = now_ns;
        char message[256];
        std::snprintf(message, sizeof message,
                      "the writer thread could not allocate (%s); it goes on and retries",
                      oom_what);
        report_error(message);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  // From here a crash handler's request would wait in vain: it takes the
  // consumer role once this thread lets it go.
  g_writer_serving.store(false, std::memory_order_release);
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
//
// fork() from a sink, formatter or error handler while its thread writes
// (the writer thread, a thread in delivery::sync) or starts or stops jot:
// that thread holds locks prepare_fork() would take, and another thread
// doing the same could hold the others, so nothing is taken (waiting was a
// deadlock). The child rebuilds every lock as always, and must exec() or
// _exit() without returning into jot, as POSIX asks of the child of a
// threaded process; it may inherit a sink's half-filled buffer.
bool fork_paused = false;
bool fork_inside_jot = false;

void prepare_fork() noexcept {
  writer_state& w = ws();
  fork_inside_jot = writing_on_this_thread() || tls_holds_life_lock;
  if (fork_inside_jot) return;
  w.life_mu.lock();
  lock_registration_for_fork();
  if (w.state.load() == life::running) {
    fork_mutex().lock();
    fork_paused = true;
  }
  // Flushes each sink under its lock, as it takes them all.
  lock_sinks_for_fork();
}

void parent_after_fork() noexcept {
  writer_state& w = ws();
  if (fork_inside_jot) {
    fork_inside_jot = false;
    return;
  }
  unlock_sinks_after_fork();
  if (fork_paused) {
    fork_paused = false;
    fork_mutex().unlock();
  }
  unlock_registration_after_fork(false);
  w.life_mu.unlock();
}

void child_after_fork() noexcept {
  writer_state& w = ws();
  unlock_sinks_after_fork();  // taken by this thread, which the child keeps
  unlock_registration_after_fork(true);
  fork_paused = false;
  fork_inside_jot = false;
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
  g_writer_serving.store(false);  // the parent's writer is not in this process
  if (w.state.load() == life::running) w.state.store(life::never_started);
  forget_queues_after_fork();
  crash_handler_after_fork();
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
  {
    const own_thread_signals no_async_signals;  // the writer inherits them blocked
    w.thread = std::thread(run_writer);
  }
  w.state.store(life::running, std::memory_order_release);
  read_level_environment();
  set_all_loggers_stopped(false);
  if (!w.exit_hook_installed) {
    w.exit_hook_installed = true;
    pthread_atfork(prepare_fork, parent_after_fork, child_after_fork);
    // Registered after the writer starts, so it runs before the destructors
    // of statics built earlier: those still log, synchronously.
    std::atexit([] {
      // main() has returned: a handler may refer to its locals, gone now.
      // What shutdown reports from here goes to stderr.
      set_error_handler({});
      jot::shutdown();
    });
  }
}

}  // namespace

std::mutex& consumer_mutex() noexcept {
  static immortal<std::mutex> mu;
  return mu.get();
}

bool holds_consumer_role() noexcept { return tls_consumer; }

bool writing_on_this_thread() noexcept { return tls_consumer || tls_sync_writing; }

sync_write_scope::sync_write_scope() noexcept { tls_sync_writing = true; }
sync_write_scope::~sync_write_scope() { tls_sync_writing = false; }

void request_emergency_flush(std::uint64_t target, bool sync) noexcept {
  g_emergency.store(true, std::memory_order_relaxed);
  if (sync) g_emergency_sync.store(true, std::memory_order_relaxed);
  std::uint64_t t = g_emergency_target.load(std::memory_order_relaxed);
  while (t < target &&
         !g_emergency_target.compare_exchange_weak(t, target, std::memory_order_release)) {
  }
}

bool emergency_requested() noexcept {
  return g_emergency_target.load(std::memory_order_acquire) >
         g_emergency_done.load(std::memory_order_acquire);
}

bool emergency_flush_done(std::uint64_t target) noexcept {
  return g_emergency_done.load(std::memory_order_acquire) >= target;
}

bool emergency() noexcept { return g_emergency.load(std::memory_order_relaxed); }

void end_emergency() noexcept {
  g_emergency_sync.store(false, std::memory_order_relaxed);
  g_emergency.store(false, std::memory_order_relaxed);
  forget_abandoned_sinks();
}

bool writer_serving() noexcept { return g_writer_serving.load(std::memory_order_acquire); }

void emergency_drain_here(bool sync) noexcept {
  g_emergency.store(true, std::memory_order_relaxed);
  if (sync) g_emergency_sync.store(true, std::memory_order_relaxed);
  try {
    drain_all_here();
  } catch (...) {
  }
  finish_emergency(the_dispatcher(), ticks());
}

void leave_consumer_role() noexcept { tls_consumer = false; }

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
    // Already asked, and the writer has not woken since (a load first: a
    // busy writer leaves the flag set, and many blocked callers would
    // otherwise trade its line on every call).
    if (w.room_wanted.load(std::memory_order_relaxed) || w.room_wanted.exchange(true)) return;
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
    const life_lock lk(w.life_mu);
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
  const detail::life_lock lk(w.life_mu);
  if (w.state.load() == life::running) return false;
  detail::start_locked(opts);
  return true;
}

bool running() noexcept { return detail::writer_running(); }

stats_snapshot stats() { return detail::the_queues().stats(); }

void flush() noexcept {
  detail::writer_state& w = ws();
  // From a sink, formatter or error handler: this thread is the one writing.
  if (detail::writing_on_this_thread()) return;
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
    if (detail::take_backtrace_dump_request()) detail::dump_all_kept(d);
    d.flush_all(true);
  } catch (...) {
    report_error("flush failed");
  }
}

void shutdown() noexcept {
  detail::writer_state& w = ws();
  try {
    const detail::life_lock lk(w.life_mu);
    if (w.state.load() != life::running) return;
    if (detail::writing_on_this_thread()) {
      report_error("shutdown() called from a sink, formatter or error handler: ignored");
      return;
    }
    // Called on a thread that is inside a log call (from a signal handler
    // that interrupted the call and calls exit(), say): that call cannot
    // end while this one waits, so the writer's last drain must not wait
    // for it. Its state is put back below, for a handler that returns.
    const std::uint32_t interrupted = detail::tls_producer.pause_call();
    // From here on, calls write synchronously; they wait for the consumer
    // role until the writer has drained and stopped.
    detail::set_all_loggers_stopped(true);
    // Every call that read the old state has its ring's in-flight flag
    // visible by now (see ring_producer::begin_call()), so the writer's last
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
    detail::tls_producer.resume_call(interrupted);
  } catch (...) {
    report_error("shutdown failed");
  }
  // A call that read the logger's state just before the switch may have
  // committed after the writer's last look: write it now.
  flush();
}

}  // namespace jot
