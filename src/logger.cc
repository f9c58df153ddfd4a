// Loggers, their registry, and error reporting.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "backend/backend.h"
#include "backend/backtrace.h"
#include "backend/lifecycle.h"
#include "frontend/level_spec.h"
#include "jot/logger.h"
#include "jot/logger_setup.h"
#include "jot/sink.h"
#include "platform/immortal.h"
#include "sinks/sink_control.h"

namespace jot {

namespace {

struct registry {
  std::mutex mu;
  std::vector<std::unique_ptr<logger>> loggers;
  std::vector<level> made_with;  // each logger's level as made, in the same order
  detail::level_spec levels;     // JOT_LEVEL's spec, then configure_levels()'s
  bool env_read = false;         // JOT_LEVEL has been looked at
  bool stopped = false;          // jot has shut down
};

registry& reg() {
  // Never destroyed: loggers must outlive every static destructor that logs.
  static detail::immortal<registry> r;
  return r.get();
}

// Reports wait in a queue; whichever thread finds no delivery under way
// delivers them, one at a time, without holding the lock while the handler
// runs. So the handler is never called twice at once, a handler that logs
// or reports (even on the writer thread) never waits for itself, and the
// writer never waits for a handler another thread is running.
struct error_sink {
  std::mutex mu;  // held only to touch the fields below
  std::function<void(std::string_view)> handler;
  std::deque<std::string> pending;
  std::uint64_t suppressed = 0;
  bool delivering = false;
};

constexpr std::size_t max_pending_reports = 1000;

// Set while this thread runs the handler. A report the handler's own
// actions raise (it logged, and the record was dropped) is not fed back to
// it, which could go on forever: it is counted and summarised on stderr.
constinit thread_local bool tls_in_handler = false;
constinit thread_local std::uint64_t tls_handler_echoes = 0;

error_sink& errors() {
  static detail::immortal<error_sink> e;
  return e.get();
}

void default_error_handler(std::string_view message) {
  std::string line = "jot: ";
  line.append(message);
  line.push_back('\n');
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

logger* detail::logger_data::make(std::string name, std::vector<std::shared_ptr<sink>> sinks,
                                  level lvl) {
  std::erase(sinks, nullptr);
  auto data = std::make_unique<logger_data>(logger_data{std::move(name), std::move(sinks)});
  auto* made = new logger(data.get(), lvl);
  static_cast<void>(data.release());  // now the logger's, never freed
  return made;
}

const std::string& logger::name() const noexcept { return data_->name; }

namespace {
// The state word with `l` as the logger's level: with a backtrace, calls
// at every level are made (the low byte) and `l` is kept above it.
std::uint32_t with_level(std::uint32_t s, level l) noexcept {
  constexpr std::uint32_t shown_mask = detail::state_level_mask << detail::state_shown_shift;
  s &= ~(detail::state_level_mask | shown_mask);
  const auto v = static_cast<std::uint32_t>(l);
  if ((s & detail::state_backtrace) != 0) {
    return s | static_cast<std::uint32_t>(level::trace) | (v << detail::state_shown_shift);
  }
  return s | v;
}
}  // namespace

void logger::set_level(level l) noexcept {
  std::uint32_t s = state_.load(std::memory_order_relaxed);
  while (!state_.compare_exchange_weak(s, with_level(s, l), std::memory_order_relaxed)) {
  }
}

void logger::enable_backtrace(std::size_t records, level dump_at) {
  detail::backtrace_store* st = backtrace_.load(std::memory_order_acquire);
  if (st == nullptr && records != 0) {
    // Made once and never freed: the writer may be reading it.
    st = new detail::backtrace_store;
    backtrace_.store(st, std::memory_order_release);
    detail::note_backtrace_logger(*this);
  }
  if (st != nullptr) {
    st->dump_at.store(dump_at, std::memory_order_relaxed);
    st->capacity.store(records, std::memory_order_relaxed);
  }
  std::uint32_t s = state_.load(std::memory_order_relaxed);
  for (;;) {
    std::uint32_t next = s & ~detail::state_backtrace;
    if (records != 0) next |= detail::state_backtrace;
    next = with_level(next, detail::shown_level(s));
    if (state_.compare_exchange_weak(s, next, std::memory_order_release)) break;
  }
}

void logger::set_backpressure(backpressure b, backpressure at_max) noexcept {
  const std::uint32_t bits = detail::state_own_backpressure | detail::backpressure_bits(b, at_max);
  std::uint32_t s = state_.load(std::memory_order_relaxed);
  while (!state_.compare_exchange_weak(s, (s & ~detail::state_backpressure_mask) | bits,
                                       std::memory_order_relaxed)) {
  }
}

void logger::set_delivery(delivery d) noexcept {
  const std::uint32_t bits = d == delivery::sync          ? detail::state_delivery_sync
                             : d == delivery::async_eager ? detail::state_delivery_eager
                                                          : 0;
  std::uint32_t s = state_.load(std::memory_order_relaxed);
  while (!state_.compare_exchange_weak(s, (s & ~detail::state_delivery_mask) | bits,
                                       std::memory_order_relaxed)) {
  }
}

delivery logger::get_delivery() const noexcept {
  const std::uint32_t s = state_.load(std::memory_order_relaxed);
  if ((s & detail::state_delivery_sync) != 0) return delivery::sync;
  if ((s & detail::state_delivery_eager) != 0) return delivery::async_eager;
  return delivery::async;
}

void logger::set_state_flags(std::uint32_t flags) noexcept {
  std::uint32_t s = state_.load(std::memory_order_relaxed);
  while (!state_.compare_exchange_weak(s, (s & ~detail::state_stopped) | flags,
                                       std::memory_order_seq_cst)) {
  }
}

namespace {

// A spec text made printable for a one-line report.
std::string printable(std::string_view s) {
  std::string out;
  for (const char c : s) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  return out;
}

std::string describe(std::string_view what, std::string_view spec, const level_config_result& e) {
  return fmt::format("{} \"{}\": {} at offset {} (\"{}\")", what, printable(spec), e.error,
                     e.position, printable(e.token));
}

// Every logger's level from the spec, or as it was made. r.mu held.
void apply_levels(registry& r) noexcept {
  for (std::size_t i = 0; i < r.loggers.size(); ++i) {
    r.loggers[i]->set_level(r.levels.level_for(r.loggers[i]->name()).value_or(r.made_with[i]));
  }
}

// JOT_LEVEL, once: read before the first logger is made, start() or
// configure_levels(), whichever comes first. r.mu held; returns what to
// report once it is let go (the error handler may make loggers).
std::string read_env_locked(registry& r) {
  if (r.env_read) return {};
  r.env_read = true;
  // Read once, under the registry's lock; the process is expected not to
  // setenv() JOT_LEVEL while jot starts.
  const char* env = std::getenv("JOT_LEVEL");  // NOLINT(concurrency-mt-unsafe)
  if (env == nullptr || *env == '\0') return {};
  level_config_result e;
  detail::level_spec spec;
  if (!detail::parse_level_spec(env, spec, e)) {
    return describe("JOT_LEVEL is ignored: the level spec", env, e);
  }
  r.levels = std::move(spec);
  apply_levels(r);
  return {};
}

// What a make_logger() call for an existing logger asks that the logger
// does not have ("" if nothing): other sinks (null ones aside, as made) or
// another level than it was made with.
std::string differences(const logger& existing, level made_with,
                        const std::vector<std::shared_ptr<sink>>& sinks, level lvl) {
  std::vector<const sink*> asked;
  for (const auto& s : sinks) {
    if (s != nullptr) asked.push_back(s.get());
  }
  std::vector<const sink*> has;
  for (const auto& s : existing.sinks()) has.push_back(s.get());
  std::string out;
  if (asked != has) {
    out = fmt::format("{} other sink(s) than the {} asked for", has.size(), asked.size());
  }
  if (made_with != lvl) {
    if (!out.empty()) out += " and ";
    out += fmt::format("level {} instead of {}", to_string(made_with), to_string(lvl));
  }
  return out;
}

// make_logger(), which reports a call that asks for something else than an
// existing logger has when `report_differences` is set.
logger& make_or_find(std::string name, std::vector<std::shared_ptr<sink>> sinks, level lvl,
                     bool report_differences) {
  registry& r = reg();
  std::unique_lock<std::mutex> lk(r.mu);
  const std::string env_error = read_env_locked(r);
  logger* made = nullptr;
  std::string differs;
  for (std::size_t i = 0; i < r.loggers.size(); ++i) {
    if (r.loggers[i]->name() != name) continue;
    made = r.loggers[i].get();
    differs = differences(*made, r.made_with[i], sinks, lvl);
  }
  if (made == nullptr) {
    const level shown = r.levels.level_for(name).value_or(lvl);
    r.made_with.push_back(lvl);
    try {
      r.loggers.push_back(std::unique_ptr<logger>(
          detail::logger_data::make(std::move(name), std::move(sinks), shown)));
    } catch (...) {
      r.made_with.pop_back();
      throw;
    }
    made = r.loggers.back().get();
    if (r.stopped) made->set_state_flags(detail::state_stopped);
  }
  lk.unlock();
  if (!env_error.empty()) report_error(env_error);
  if (report_differences && !differs.empty()) {
    report_error(fmt::format(
        "make_logger(\"{}\"): a logger of that name exists already, with {}; this call's "
        "sinks and level are ignored and the existing logger is returned (use find_logger() to "
        "look a logger up, or another name for other sinks)",
        made->name(), differs));
  }
  return *made;
}

}  // namespace

logger& make_logger(std::string name, std::vector<std::shared_ptr<sink>> sinks, level lvl) {
  return make_or_find(std::move(name), std::move(sinks), lvl, true);
}

level_config_result configure_levels(std::string_view spec) {
  level_config_result result;
  detail::level_spec parsed;
  const bool ok = detail::parse_level_spec(spec, parsed, result);
  std::string env_error;
  {
    registry& r = reg();
    const std::lock_guard<std::mutex> lk(r.mu);
    env_error = read_env_locked(r);  // so that this call, the later one, wins
    if (ok) {
      r.levels = std::move(parsed);
      apply_levels(r);
    }
  }
  if (!env_error.empty()) report_error(env_error);
  if (!ok) report_error(describe("configure_levels: the level spec", spec, result));
  return result;
}

logger* find_logger(std::string_view name) {
  registry& r = reg();
  const std::lock_guard<std::mutex> lk(r.mu);
  for (auto& l : r.loggers) {
    if (l->name() == name) return l.get();
  }
  return nullptr;
}

void dump_backtrace() noexcept {
  detail::request_backtrace_dump();
  flush();
}

namespace {
// Constant-initialised, so no guard: a fork() during its first use cannot
// leave the child a half-built static (make_logger() is idempotent under
// the registry's lock, which fork() rebuilds).
constinit std::atomic<logger*> g_default_logger{nullptr};
}  // namespace

logger& default_logger() {
  if (logger* l = g_default_logger.load(std::memory_order_acquire)) return *l;
  // A "default" logger the application made first is the default logger.
  logger& l = make_or_find("default", {console_sink()}, level::info, false);
  g_default_logger.store(&l, std::memory_order_release);
  return l;
}

void report_error(std::string_view message) noexcept {
  if (tls_in_handler) {
    ++tls_handler_echoes;
    return;
  }
  try {
    error_sink& e = errors();
    std::unique_lock<std::mutex> lk(e.mu);
    if (e.pending.size() >= max_pending_reports) {
      ++e.suppressed;
      return;
    }
    e.pending.emplace_back(message);
    if (e.delivering) return;  // the thread delivering (perhaps this one) takes it
    e.delivering = true;
    while (!e.pending.empty() || e.suppressed != 0) {
      std::string m;
      if (e.pending.empty()) {
        m = fmt::format("{} further error reports were dropped while the handler was busy",
                        e.suppressed);
        e.suppressed = 0;
      } else {
        m = std::move(e.pending.front());
        e.pending.pop_front();
      }
      const std::function<void(std::string_view)> handler = e.handler;
      lk.unlock();
      tls_in_handler = true;
      try {
        if (handler) {
          handler(m);
        } else {
          default_error_handler(m);
        }
      } catch (...) {
        default_error_handler("the error handler threw");
      }
      tls_in_handler = false;
      if (tls_handler_echoes != 0) {
        default_error_handler(
            fmt::format("the error handler's own actions raised {} more "
                        "report(s), not passed back to it (last handled: {})",
                        tls_handler_echoes, m));
        tls_handler_echoes = 0;
      }
      lk.lock();
    }
    e.delivering = false;
  } catch (...) {
  }
}

namespace detail {

void set_all_loggers_stopped(bool stopped) noexcept {
  registry& r = reg();
  const std::lock_guard<std::mutex> lk(r.mu);
  r.stopped = stopped;
  for (auto& l : r.loggers) l->set_state_flags(stopped ? state_stopped : 0);
}

void read_level_environment() noexcept {
  registry& r = reg();
  std::string env_error;
  try {
    const std::lock_guard<std::mutex> lk(r.mu);
    env_error = read_env_locked(r);
  } catch (...) {
    return;  // out of memory: the next make_logger() or configure_levels() reads it
  }
  if (!env_error.empty()) report_error(env_error);
}

namespace {
// The sinks and formatters locked by lock_sinks_for_fork(), each once.
std::vector<sink*> fork_locked_sinks;
std::vector<formatter*> fork_locked_formatters;
}  // namespace

void lock_sinks_for_fork() noexcept {
  {
    // The list is copied, and the registry's lock let go, before any sink
    // lock is taken: a thread holding a sink's lock may want the registry.
    registry& r = reg();
    const std::lock_guard<std::mutex> lk(r.mu);
    try {
      for (const auto& l : r.loggers) {
        for (const auto& s : l->sinks()) {
          if (std::find(fork_locked_sinks.begin(), fork_locked_sinks.end(), s.get()) ==
              fork_locked_sinks.end()) {
            fork_locked_sinks.push_back(s.get());
          }
          formatter* f = s->formatter_ptr().get();
          if (std::find(fork_locked_formatters.begin(), fork_locked_formatters.end(), f) ==
              fork_locked_formatters.end()) {
            fork_locked_formatters.push_back(f);
          }
        }
      }
    } catch (...) {
      // Out of memory: the sinks not listed stay unlocked.
    }
  }
  // A thread in sync mode takes a formatter's lock and a sink's one after
  // the other, never both: any order is safe here.
  for (formatter* f : fork_locked_formatters) f->format_mutex().lock();
  for (sink* s : fork_locked_sinks) {
    sink_control& c = sink_control::of(*s);
    c.mu.lock();
    // What threads in sync mode wrote is written now, by the parent, and
    // not inherited by the child too.
    flush_locked(*s, c, false);
  }
}

void unlock_sinks_after_fork() noexcept {
  for (sink* s : fork_locked_sinks) sink_control::of(*s).mu.unlock();
  for (formatter* f : fork_locked_formatters) f->format_mutex().unlock();
  fork_locked_sinks.clear();
  fork_locked_formatters.clear();
}

void reset_locks_after_fork() noexcept {
  ::new (&reg().mu) std::mutex;
  ::new (&errors().mu) std::mutex;
  errors().delivering = false;
}

bool collect_every_sink(std::vector<std::shared_ptr<sink>>& out) noexcept {
  out.clear();
  registry& r = reg();
  const std::unique_lock<std::mutex> lk(r.mu, std::try_to_lock);
  if (!lk.owns_lock()) return false;
  try {
    for (const auto& l : r.loggers) {
      for (const auto& s : l->sinks()) {
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
      }
    }
  } catch (...) {
    // Out of memory: the sinks listed so far.
  }
  return !out.empty();
}

void sync_every_sink() noexcept {
  std::vector<std::shared_ptr<sink>> all;
  if (!collect_every_sink(all)) return;
  for (const auto& s : all) {
    sink_control& c = sink_control::of(*s);
    const sink_lock lk(c.mu, s.get());
    if (!lk.owns()) continue;
    try {
      s->sync();
    } catch (...) {
    }
  }
}

void set_error_handler(std::function<void(std::string_view)> handler) {
  error_sink& e = errors();
  const std::lock_guard<std::mutex> lk(e.mu);
  e.handler = std::move(handler);
}

}  // namespace detail
}  // namespace jot
