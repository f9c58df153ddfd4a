#include "jot/sink.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "backend/backend.h"
#include "platform/clock.h"
#include "platform/thread.h"
#include "sinks/raw_sink.h"
#include "sinks/sink_control.h"

namespace jot {

sink::sink(std::shared_ptr<formatter> f)
    : formatter_(f ? std::move(f) : pattern_formatter()),
      control_(std::make_unique<detail::sink_control>()) {}

sink::~sink() = default;

void sink::set_flush_policy(const flush_policy& p) {
  const std::lock_guard<std::mutex> lk(control_->mu);
  control_->policy = p;
}

flush_policy sink::get_flush_policy() const {
  const std::lock_guard<std::mutex> lk(control_->mu);
  return control_->policy;
}

}  // namespace jot

namespace jot::detail {

raw_sink::raw_sink() { sink_control::of(*this).raw = this; }

namespace {

// Calls a sink's flush() or sync() (`what` names it); what it throws is
// reported, not passed on.
template <class Call>
void guarded(Call call, const char* what) noexcept {
  try {
    call();
  } catch (const std::exception& e) {
    report_error(fmt::format("a sink threw from {}: {}", what, e.what()));
  } catch (...) {
    report_error(fmt::format("a sink threw from {}", what));
  }
}

void call_flush(sink& s) noexcept {
  guarded([&s] { s.flush(); }, "flush()");
}

void call_sync(sink& s, sink_control& c, std::int64_t now_ns) noexcept {
  c.sync_owed = false;
  c.last_sync_ns = now_ns;
  guarded([&s] { s.sync(); }, "sync()");
}

// The policy's record-count and level rules, after a record was written.
bool after_write(sink& s, sink_control& c, level lvl) {
  if (c.unflushed++ == 0) c.unflushed_since_ns = monotonic_ns();
  const flush_policy& p = c.policy;
  if ((p.every_records != 0 && c.unflushed >= p.every_records) ||
      (p.at_level != level::off && lvl >= p.at_level)) {
    flush_locked(s, c, false);
  }
  return !c.listed && c.needs_care();
}

}  // namespace

bool write_locked(sink& s, sink_control& c, const record_view& rec, std::string_view line) {
  s.write(rec, line);
  return after_write(s, c, rec.lvl);
}

bool write_raw_locked(raw_sink& s, sink_control& c, const raw_record& rec, level lvl) {
  s.write_raw(rec);
  return after_write(s, c, lvl);
}

void flush_locked(sink& s, sink_control& c, bool sync_now) {
  const bool had_records = c.unflushed != 0 || c.unwritten;
  if (had_records) {
    c.unflushed = 0;
    call_flush(s);
    c.unwritten = s.holds_unwritten();
  }
  const flush_policy& p = c.policy;
  if (p.fsync == fsync_policy::never) return;
  if (!had_records && !c.sync_owed) return;
  const std::int64_t now = monotonic_ns();
  if (p.fsync == fsync_policy::every_flush || sync_now ||
      now - c.last_sync_ns >= ns_of(p.fsync_every)) {
    call_sync(s, c, now);
  } else {
    c.sync_owed = true;
  }
}

std::int64_t sink_control::next_due_ns() const noexcept {
  std::int64_t due = std::numeric_limits<std::int64_t>::max();
  if (unflushed != 0 && policy.every.count() > 0) {
    due = unflushed_since_ns + ns_of(policy.every);
  }
  if (sync_owed) due = std::min(due, last_sync_ns + ns_of(policy.fsync_every));
  return due;
}

void service_locked(sink& s, sink_control& c, std::int64_t now_ns, bool idle) {
  const flush_policy& p = c.policy;
  if (c.unwritten || (c.unflushed != 0 &&
                      ((idle && p.on_idle) ||
                       (p.every.count() > 0 && now_ns - c.unflushed_since_ns >= ns_of(p.every))))) {
    flush_locked(s, c, false);
  }
  if (c.sync_owed && now_ns - c.last_sync_ns >= ns_of(p.fsync_every)) call_sync(s, c, now_ns);
}

namespace {
// Sinks and formatters whose lock the crash handler's drain could not have:
// a fixed table, filled only during the drain.
constexpr std::size_t max_abandoned = 64;
std::atomic<const void*> g_abandoned[max_abandoned];
std::atomic<std::size_t> g_abandoned_count{0};
constexpr auto emergency_lock_wait = std::chrono::milliseconds(100);

// How long a thread in delivery::sync mode spins for a sink's lock before
// it sleeps on it. The lock is held for one record (a copy into the sink's
// buffer), or for one write(2) of the buffer, by another such thread or by
// the writer flushing: tens of microseconds at most. Sleeping instead costs
// a wake-up, and when the thread's core has other work, the rest of that
// work's time slice (milliseconds).
constexpr std::int64_t lock_spin_ns = 50'000;

// Takes `mu` if it is free or freed within lock_spin_ns; false otherwise
// (the caller then waits for it as usual), and always on a single CPU (the
// holder cannot run while this thread spins).
bool lock_spinning(std::mutex& mu) noexcept {
  static const bool several_cpus = std::thread::hardware_concurrency() > 1;
  if (!several_cpus) return false;
  if (mu.try_lock()) return true;
  const std::int64_t until = monotonic_ns() + lock_spin_ns;
  for (unsigned i = 1;; ++i) {
    cpu_relax();
    if (mu.try_lock()) return true;
    if (i % 32 == 0 && monotonic_ns() >= until) return false;
  }
}

bool abandoned(const void* owner) noexcept {
  const std::size_t n = std::min(g_abandoned_count.load(std::memory_order_acquire), max_abandoned);
  for (std::size_t i = 0; i < n; ++i) {
    if (g_abandoned[i].load(std::memory_order_relaxed) == owner) return true;
  }
  return false;
}

}  // namespace

void forget_abandoned_sinks() noexcept {
  const std::size_t n = std::min(g_abandoned_count.load(std::memory_order_acquire), max_abandoned);
  for (std::size_t i = 0; i < n; ++i) g_abandoned[i].store(nullptr, std::memory_order_relaxed);
  g_abandoned_count.store(0, std::memory_order_release);
}

sink_lock::sink_lock(std::mutex& mu, const void* owner, bool spin) noexcept : mu_(mu) {
  if (!emergency()) {
    if (!spin || !lock_spinning(mu_)) mu_.lock();
    owns_ = true;
    return;
  }
  if (abandoned(owner)) return;
  const auto until = std::chrono::steady_clock::now() + emergency_lock_wait;
  while (!(owns_ = mu_.try_lock())) {
    if (std::chrono::steady_clock::now() >= until) {
      const std::size_t i = g_abandoned_count.fetch_add(1, std::memory_order_acq_rel);
      if (i < max_abandoned) g_abandoned[i].store(owner, std::memory_order_release);
      return;
    }
    nap(100);
  }
}

sink_lock::~sink_lock() {
  if (owns_) mu_.unlock();
}

}  // namespace jot::detail
