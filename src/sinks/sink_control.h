// A sink's lock and flush bookkeeping (see jot::flush_policy). Everything
// here is used under the sink's lock, by whoever writes: the writer
// thread, a thread logging in delivery::sync mode, or a thread writing
// after shutdown.
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>

#include "jot/record.h"
#include "jot/sink.h"

namespace jot::detail {

class raw_sink;
struct raw_record;

struct sink_control {
  std::mutex mu;
  flush_policy policy;
  std::uint64_t unflushed = 0;          // records written since the last flush
  std::int64_t unflushed_since_ns = 0;  // monotonic time of the first of them
  std::int64_t last_sync_ns = 0;        // monotonic time of the last sync
  bool sync_owed = false;               // flushed bytes wait for a sync (fsync interval)
  bool unwritten = false;               // the last flush left records in the sink
  // In the writer's list of sinks to look after (or on its way there):
  // true whenever needs_care().
  bool listed = false;
  // Set by a raw_sink: its records are handed over undecoded.
  raw_sink* raw = nullptr;

  static sink_control& of(sink& s) noexcept { return *s.control_; }

  bool needs_care() const noexcept { return unflushed != 0 || sync_owed || unwritten; }

  // The monotonic time at which the policy next asks for a flush or a sync
  // by time alone (INT64_MAX: none).
  std::int64_t next_due_ns() const noexcept;
};

// The crash handler's drain is over and the process lives on: no sink or
// formatter stays abandoned (see sink_lock). Atomics only.
void forget_abandoned_sinks() noexcept;

// A sink's or formatter's lock, as the writer and threads writing take it.
// Normally a plain lock. During the crash handler's drain (emergency()) the
// lock is tried for a bounded time: one held by the thread that crashed, or
// by a thread stuck inside a sink, is never released. A lock not had in
// time marks its sink or formatter abandoned for the rest of the drain (the
// process is ending), so later records do not wait for it again.
class sink_lock {
 public:
  // `spin` (a thread in delivery::sync mode): a lock held by another
  // thread is spun for, up to lock_spin_ns, before the thread sleeps on it.
  sink_lock(std::mutex& mu, const void* owner, bool spin = false) noexcept;
  ~sink_lock();
  sink_lock(const sink_lock&) = delete;
  sink_lock& operator=(const sink_lock&) = delete;
  bool owns() const noexcept { return owns_; }

 private:
  std::mutex& mu_;
  bool owns_ = false;
};

// Writes one rendered record and applies the policy's record-count and
// level rules. Returns true if the sink must now be put in the writer's
// list (it holds unflushed bytes or owes a sync and is not listed yet);
// the caller lists it and sets `listed`.
bool write_locked(sink& s, sink_control& c, const record_view& rec, std::string_view line);

// The same for a raw sink: `lvl` is the record's level.
bool write_raw_locked(raw_sink& s, sink_control& c, const raw_record& rec, level lvl);

// Flushes the sink if it holds unflushed records (or kept some at its last
// flush: sink::holds_unwritten()), then syncs as the policy says;
// `sync_now`: jot::flush() or shutdown, which make an owed or interval sync
// at once.
void flush_locked(sink& s, sink_control& c, bool sync_now);

// The writer's periodic look: flushes a sink whose oldest unflushed
// record is older than policy.every (or, when `idle`, one with on_idle),
// or one that kept records at its last flush, and makes an owed sync whose
// time has come.
void service_locked(sink& s, sink_control& c, std::int64_t now_ns, bool idle);

}  // namespace jot::detail
