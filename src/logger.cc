// Loggers, their registry, and error reporting.
#include <unistd.h>

#include <memory>
#include <mutex>
#include <vector>

#include "backend/backend.h"
#include "jot/logger.h"
#include "jot/sink.h"
#include "platform/immortal.h"

namespace jot {

namespace {

struct registry {
  std::mutex mu;
  std::vector<std::unique_ptr<logger>> loggers;
  bool sync = false;  // jot has shut down
};

registry& reg() {
  // Never destroyed: loggers must outlive every static destructor that logs.
  static detail::immortal<registry> r;
  return r.get();
}

struct error_sink {
  std::mutex mu;
  std::function<void(std::string_view)> handler;
  bool in_handler = false;
};

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

logger::logger(std::string name, std::vector<std::shared_ptr<sink>> sinks, level lvl)
    : state_(static_cast<std::uint32_t>(lvl)), name_(std::move(name)), sinks_(std::move(sinks)) {
  std::erase(sinks_, nullptr);
}

void logger::set_level(level l) noexcept {
  std::uint32_t s = state_.load(std::memory_order_relaxed);
  while (!state_.compare_exchange_weak(
      s, (s & ~detail::state_level_mask) | static_cast<std::uint32_t>(l),
      std::memory_order_relaxed)) {
  }
}

void logger::set_state_flags(std::uint32_t flags) noexcept {
  std::uint32_t s = state_.load(std::memory_order_relaxed);
  while (!state_.compare_exchange_weak(s, (s & detail::state_level_mask) | flags,
                                       std::memory_order_seq_cst)) {
  }
}

logger& make_logger(std::string name, std::vector<std::shared_ptr<sink>> sinks, level lvl) {
  registry& r = reg();
  const std::lock_guard<std::mutex> lk(r.mu);
  for (auto& l : r.loggers) {
    if (l->name() == name) return *l;
  }
  r.loggers.push_back(std::unique_ptr<logger>(new logger(std::move(name), std::move(sinks), lvl)));
  logger& l = *r.loggers.back();
  if (r.sync) l.set_state_flags(detail::state_sync);
  return l;
}

logger* find_logger(std::string_view name) {
  registry& r = reg();
  const std::lock_guard<std::mutex> lk(r.mu);
  for (auto& l : r.loggers) {
    if (l->name() == name) return l.get();
  }
  return nullptr;
}

logger& default_logger() {
  static logger& l = make_logger("default", {console_sink()});
  return l;
}

void report_error(std::string_view message) noexcept {
  error_sink& e = errors();
  try {
    const std::lock_guard<std::mutex> lk(e.mu);
    if (e.in_handler) return;  // the handler itself failed: do not recurse
    e.in_handler = true;
    try {
      if (e.handler) {
        e.handler(message);
      } else {
        default_error_handler(message);
      }
    } catch (...) {
      default_error_handler("the error handler threw");
    }
    e.in_handler = false;
  } catch (...) {
  }
}

namespace detail {

void set_all_loggers_sync(bool sync) noexcept {
  registry& r = reg();
  const std::lock_guard<std::mutex> lk(r.mu);
  r.sync = sync;
  for (auto& l : r.loggers) l->set_state_flags(sync ? state_sync : 0);
}

void reset_locks_after_fork() noexcept {
  ::new (&reg().mu) std::mutex;
  ::new (&errors().mu) std::mutex;
  errors().in_handler = false;
}

void set_error_handler(std::function<void(std::string_view)> handler) {
  error_sink& e = errors();
  const std::lock_guard<std::mutex> lk(e.mu);
  e.handler = std::move(handler);
}

}  // namespace detail
}  // namespace jot
