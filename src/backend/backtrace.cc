#include "backend/backtrace.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "backend/dispatch.h"
#include "jot/logger.h"
#include "platform/immortal.h"

namespace jot::detail {

namespace {

struct backtrace_loggers {
  std::mutex mu;
  std::vector<logger*> loggers;
};

backtrace_loggers& loggers_with_store() noexcept {
  static immortal<backtrace_loggers> l;
  return l.get();
}

std::atomic<bool> g_dump_requested{false};

void dump_kept(dispatcher& d, backtrace_store& st) {
  if (st.count == 0) return;
  const std::size_t n = st.slots.size();
  std::size_t at = (st.next + n - st.count) % n;
  for (std::size_t i = 0; i < st.count; ++i) {
    backtrace_store::kept& k = st.slots[at];
    d.emit_kept(*reinterpret_cast<const record_header*>(k.bytes.data()), k.time_ns, k.thread_id,
                k.thread_name);
    k.bytes.clear();
    at = (at + 1) % n;
  }
  st.count = 0;
}

}  // namespace

void note_backtrace_logger(logger& lg) {
  backtrace_loggers& l = loggers_with_store();
  const std::lock_guard<std::mutex> lk(l.mu);
  if (std::find(l.loggers.begin(), l.loggers.end(), &lg) == l.loggers.end()) {
    l.loggers.push_back(&lg);
  }
}

bool keep_or_dump(dispatcher& d, const logger& lg, const record_header& rec, std::int64_t time_ns,
                  std::uint64_t thread_id, std::string_view thread_name) {
  backtrace_store* st = lg.backtrace();
  if (st == nullptr) return false;
  const level lvl = rec.site->lvl;
  const std::size_t capacity = st->capacity.load(std::memory_order_relaxed);
  if (capacity != st->slots.size()) {
    // Turned on, off or resized: start afresh.
    st->slots.clear();
    st->slots.resize(capacity);
    st->next = st->count = 0;
  }
  if (lvl < lg.get_level()) {
    if (capacity == 0) return true;  // turned off meanwhile: below the level, not written
    backtrace_store::kept& k = st->slots[st->next];
    k.bytes.resize(rec.size);
    std::memcpy(k.bytes.data(), &rec, rec.size);
    k.time_ns = time_ns;
    k.thread_id = thread_id;
    k.thread_name.assign(thread_name);
    st->next = (st->next + 1) % capacity;
    st->count = std::min(st->count + 1, capacity);
    return true;
  }
  if (lvl >= st->dump_at.load(std::memory_order_relaxed)) dump_kept(d, *st);
  return false;
}

void dump_all_kept(dispatcher& d) {
  std::vector<logger*> all;
  {
    backtrace_loggers& l = loggers_with_store();
    const std::unique_lock<std::mutex> lk(l.mu, std::try_to_lock);
    if (!lk.owns_lock()) return;  // only in a crash: someone holds it for good
    all = l.loggers;
  }
  for (logger* lg : all) {
    if (backtrace_store* st = lg->backtrace()) dump_kept(d, *st);
  }
}

void request_backtrace_dump() noexcept { g_dump_requested.store(true, std::memory_order_release); }

bool take_backtrace_dump_request() noexcept {
  return g_dump_requested.exchange(false, std::memory_order_acq_rel);
}

}  // namespace jot::detail
