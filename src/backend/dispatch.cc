#include "backend/dispatch.h"
#include "platform/immortal.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "backend/backend.h"
#include "backend/backtrace.h"
#include "backend/lifecycle.h"
#include "backend/queues.h"
#include "format/level_mark.h"
#include "jot/chrono.h"
#include "jot/formatter.h"
#include "jot/logger.h"
#include "jot/logger_setup.h"
#include "jot/macros.h"
#include "jot/sink.h"
#include "platform/clock.h"
#include "platform/thread.h"
#include "sinks/raw_sink.h"
#include "sinks/sink_control.h"

namespace jot::detail {

namespace {

// Sinks that threads in delivery::sync mode wrote and left unflushed, on
// their way to the writer's list.
struct pending_sinks {
  std::mutex mu;
  std::vector<sink*> sinks;
  std::atomic<bool> any{false};
};

// The field backtrace=true of a record the flight recorder kept.
value make_backtrace_mark() noexcept {
  value v;
  v.type = value_type::boolean;
  v.boolean = true;
  return v;
}
const value backtrace_mark = make_backtrace_mark();

pending_sinks& pending() noexcept {
  static immortal<pending_sinks> p;
  return p.get();
}

}  // namespace

void dispatcher::process(const record_header& entry, std::uint64_t thread_id,
                         std::string_view thread_name) {
  const std::int64_t time_ns = the_wall_clock().to_ns(entry.ticks);
  if (entry.kind == record_kind::indirect) {
    heap_payload payload{};
    std::memcpy(&payload, &entry + 1, sizeof payload);
    const std::unique_ptr<std::byte[]> owned(payload.data);
    emit(*reinterpret_cast<const record_header*>(payload.data), time_ns, thread_id, thread_name);
    return;
  }
  emit(entry, time_ns, thread_id, thread_name);
}

bool dispatcher::render_message(const record_header& rec, fmt::memory_buffer& out) noexcept {
  return decoder_.decode(rec, out);
}

void dispatcher::emit_kept(const record_header& rec, std::int64_t time_ns, std::uint64_t thread_id,
                           std::string_view thread_name) {
  kept_ = true;
  try {
    emit(rec, time_ns, thread_id, thread_name);
  } catch (...) {
    kept_ = false;
    throw;
  }
  kept_ = false;
}

void dispatcher::emit(const record_header& rec, std::int64_t time_ns, std::uint64_t thread_id,
                      std::string_view thread_name) {
  const call_site& site = *rec.site;
  // The flight recorder keeps records below the logger's level, and writes
  // what it kept before a record at the dump level.
  if (writer_ && !kept_ && (rec.log->state() & state_backtrace) != 0 &&
      keep_or_dump(*this, *rec.log, rec, time_ns, thread_id, thread_name)) {
    return;
  }
  // The crash handler's record: every logger's kept records come first.
  if (writer_ && (rec.flags & record_every_sink) != 0) dump_all_kept(*this);

  // Decoded once, for the first sink that renders: a raw sink (the binary
  // log) takes the record as it is, and costs nothing of this (not even
  // the view's construction: view_ is kept from record to record).
  bool decoded = false;

  // A sink holding unflushed records goes to the writer's list (under its
  // lock, which its caller holds).
  const auto list = [this](sink& s, sink_control& c) {
    if (writer_) {
      listed_.push_back(&s);
    } else {
      pending_sinks& p = pending();
      const std::lock_guard<std::mutex> plk(p.mu);
      p.sinks.push_back(&s);
      p.any.store(true, std::memory_order_release);
    }
    c.listed = true;  // once it is in a list
  };

  lines_used_ = 0;
  // The crash handler's record goes to every sink it can find.
  const bool everywhere = (rec.flags & record_every_sink) != 0 && collect_every_sink(every_);
  for (const std::shared_ptr<sink>& s : everywhere ? every_ : rec.log->sinks()) {
    sink_control& c = sink_control::of(*s);
    try {
      if (c.raw != nullptr) {
        const raw_record raw{&rec, time_ns, thread_id, thread_name};
        // Held already, unless this is the crash handler's drain on a
        // thread that crashed inside that very sink.
        if ((held_.get() == s.get() && !in_held_) || hold(s, c)) {
          in_held_ = true;
          bool to_list = false;
          try {
            to_list = write_raw_locked(*c.raw, c, raw, site.lvl);
          } catch (...) {
            in_held_ = false;
            throw;
          }
          in_held_ = false;
          if (to_list) list(*s, c);
          continue;
        }
        const sink_lock lk(c.mu, s.get());
        if (!lk.owns()) continue;  // a crash drain gave up on it
        if (write_raw_locked(*c.raw, c, raw, site.lvl)) list(*s, c);
        continue;
      }
      // Only one sink's lock at a time outside a raw sink's own run.
      if (held_) release_held();
      if (!decoded) {
        tls_level_marks.clear();  // marks of earlier records' lines are stale
        decoded = true;
        record_view& view = view_;
        view = record_view{};
        view.time_ns = time_ns;
        view.lvl = site.lvl;
        view.logger_name = rec.log->name();
        view.format = site.message_template;
        view.file = site.file;
        view.function = site.function;
        view.line = site.line;
        view.thread_id = thread_id;
        view.thread_name = thread_name;
        message_.clear();
        decoder_.decode(rec, message_);
        view.message = std::string_view(message_.data(), message_.size());
        view.fields = decoder_.fields();
        if (kept_) {
          marked_fields_.assign(view.fields.begin(), view.fields.end());
          marked_fields_.push_back(field{"backtrace", &backtrace_mark, field_origin::call});
          view.fields = marked_fields_;
        }
      }
      const record_view& view = view_;
      formatter* f = s->formatter_ptr().get();
      std::string* line = nullptr;
      for (std::size_t i = 0; i < lines_used_; ++i) {
        if (lines_[i].first == f) line = &lines_[i].second;
      }
      if (line == nullptr) {
        if (lines_used_ == lines_.size()) lines_.emplace_back();
        auto& slot = lines_[lines_used_];
        slot.first = f;
        slot.second.clear();
        if (formatter* own = writer_ ? nullptr : copy_of(s->formatter_ptr())) {
          // This thread's own copy: rendered outside any lock, at the same
          // time as other threads render theirs.
          own->format(view, slot.second);
        } else {
          // A formatter may keep state between records, and a thread in
          // sync mode may share it with the writer.
          const sink_lock flk(f->format_mutex(), f);
          if (!flk.owns()) continue;
          f->format(view, slot.second);
        }
        ++lines_used_;  // only a whole line is shared with later sinks
        line = &slot.second;
      }
      // A thread in sync mode spins for the lock a little before it sleeps.
      const sink_lock lk(c.mu, s.get(), !writer_);
      if (!lk.owns()) continue;
      if (write_locked(*s, c, view, *line)) list(*s, c);
    } catch (const std::exception& e) {
      release_held();  // the error handler may use the sink
      report_error(
          fmt::format("a formatter or sink of logger '{}' threw: {}", rec.log->name(), e.what()));
    } catch (...) {
      release_held();
      report_error(fmt::format("a formatter or sink of logger '{}' threw", rec.log->name()));
    }
  }
}

formatter* dispatcher::copy_of(const std::shared_ptr<formatter>& f) noexcept {
  // The same formatter: the same object of the same owner (a formatter made
  // at the address of one that is gone is another).
  const auto same = [&f](const formatter_copy& c) {
    return c.of == f.get() && !c.owner.owner_before(f) && !f.owner_before(c.owner);
  };
  for (const formatter_copy& c : copies_) {
    if (same(c)) return c.copy.get();
  }
  std::erase_if(copies_, [](const formatter_copy& c) { return c.owner.expired(); });
  std::unique_ptr<formatter> copy;
  try {
    // Under its lock: the writer may be rendering with it now.
    const sink_lock flk(f->format_mutex(), f.get());
    if (!flk.owns()) return nullptr;  // abandoned by the crash handler's drain
    copy = f->copy_for_thread();
  } catch (...) {
    // No copy (out of memory, or the formatter threw): rendered under its
    // lock, as a formatter without copies.
  }
  try {
    copies_.push_back(formatter_copy{f, f.get(), std::move(copy)});
    return copies_.back().copy.get();
  } catch (...) {
    return nullptr;  // out of memory: asked again next time
  }
}

bool dispatcher::hold(const std::shared_ptr<sink>& s, sink_control& c) noexcept {
  release_held();
  if (!batching_ || emergency()) return false;
  c.mu.lock();
  held_ = s;
  return true;
}

void dispatcher::release_held() noexcept {
  if (!held_) return;
  // Inside its write_raw(): the crash handler's drain, on the thread that
  // crashed there. The sink stays locked, as sink_lock leaves such a sink.
  if (!in_held_) sink_control::of(*held_).mu.unlock();
  held_.reset();
}

void reset_pending_after_fork() noexcept {
  // A thread of the parent may have held it; the list itself stays valid.
  ::new (&pending().mu) std::mutex;
}

void dispatcher::take_pending() {
  pending_sinks& p = pending();
  if (!p.any.load(std::memory_order_acquire)) return;
  const std::lock_guard<std::mutex> lk(p.mu);
  listed_.insert(listed_.end(), p.sinks.begin(), p.sinks.end());
  p.sinks.clear();
  p.any.store(false, std::memory_order_relaxed);
}

std::int64_t dispatcher::visit_listed(bool idle, bool flush, bool sync_now) noexcept {
  release_held();
  try {
    take_pending();
  } catch (...) {
    // Out of memory: they stay pending until the next visit.
  }
  std::int64_t due = std::numeric_limits<std::int64_t>::max();
  if (listed_.empty()) return due;
  const std::int64_t now = monotonic_ns();
  std::size_t keep = 0;
  for (sink* s : listed_) {
    sink_control& c = sink_control::of(*s);
    const sink_lock lk(c.mu, s);
    if (!lk.owns()) continue;  // crash drain: dropped from the list
    if (flush) {
      flush_locked(*s, c, sync_now);
    } else {
      service_locked(*s, c, now, idle);
    }
    if (c.needs_care()) {
      listed_[keep++] = s;
      due = std::min(due, c.next_due_ns());
    } else {
      c.listed = false;
    }
  }
  listed_.resize(keep);
  return due;
}

std::int64_t dispatcher::service(bool idle) noexcept { return visit_listed(idle, false, false); }

void dispatcher::flush_all(bool sync_now) noexcept { visit_listed(false, true, sync_now); }

std::size_t dispatcher::sinks_holding_unwritten() noexcept {
  release_held();
  try {
    take_pending();
  } catch (...) {
  }
  std::size_t n = 0;
  for (sink* s : listed_) {
    sink_control& c = sink_control::of(*s);
    const std::lock_guard<std::mutex> lk(c.mu);
    if (c.unwritten) ++n;
  }
  return n;
}

dispatcher& the_dispatcher() noexcept {
  static immortal<dispatcher> d(true);
  return d.get();
}

void build_dispatch_statics() noexcept {
  static_cast<void>(the_dispatcher());
  static_cast<void>(pending());
}

void dispatcher::warn_dropped(const logger& lg, std::uint64_t count, std::int64_t since_ns,
                              std::uint64_t ticks, std::uint64_t thread_id,
                              std::string_view thread_name) {
  JOT_DETAIL_SITE_(site, level::warn,
                   "{dropped} records dropped from thread {thread} since {since}", std::uint64_t{},
                   std::uint64_t{}, std::chrono::system_clock::time_point{});
  const std::chrono::system_clock::time_point since{
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(since_ns))};
  std::size_t lens[4];
  const std::size_t size = align8(sizeof(record_header) + args_size(lens, count, thread_id, since));
  alignas(8) std::byte buf[128];
  static_assert(sizeof(record_header) + 8 + 8 + 8 <= sizeof buf);
  write_header(buf, size, site, &lg, 0);
  encode_args(buf + sizeof(record_header), lens, count, thread_id, since);
  emit(*reinterpret_cast<const record_header*>(buf), the_wall_clock().to_ns(ticks), thread_id,
       thread_name);
}

void report_drops(queue_set& queues, std::uint64_t at_ticks, bool force) {
  wall_clock& clock = the_wall_clock();
  dispatcher& d = the_dispatcher();
  const std::int64_t now_ns = clock.to_ns(at_ticks);
  const std::int64_t period_ns = std::chrono::nanoseconds(drop_report_period).count();
  queues.report_drops(
      [&](const thread_queue& q, const thread_queue::drop_slot& s) {
        // An exited thread's queue is freed only once its drops are told.
        // A slot another logger took over is reported at once.
        return force || s.last_report_ns == 0 || now_ns - s.last_report_ns >= period_ns ||
               s.lg.load(std::memory_order_acquire) != s.reported_lg ||
               q.abandoned.load(std::memory_order_acquire);
      },
      [&](thread_queue& q, thread_queue::drop_slot& s, const logger& lg, std::uint64_t count) {
        // Since the slot's last report: of this logger, or, for a slot
        // taken over, of the one before it, when the slot held none of
        // this logger's drops yet.
        const std::int64_t since =
            s.last_report_ns != 0 ? s.last_report_ns : clock.to_ns(q.registered_ticks);
        s.reported_lg = &lg;
        s.last_report_ns = now_ns;
        d.warn_dropped(lg, count, since, at_ticks, q.thread_id, q.thread_name);
        const std::uint64_t interrupted = q.interrupted.load(std::memory_order_relaxed);
        if (interrupted == q.interrupted_reported) {
          report_error(
              fmt::format("{} records from logger '{}' dropped on thread {}: its ring was full",
                          count, lg.name(), q.thread_id));
        } else {
          report_error(fmt::format(
              "{} records from logger '{}' dropped on thread {}: {} of the thread's drops since "
              "the last report were logged by a signal handler that interrupted a log call of "
              "the thread, the others found the ring full",
              count, lg.name(), q.thread_id, interrupted - q.interrupted_reported));
          q.interrupted_reported = interrupted;
        }
      });
  if (const std::uint64_t lost = take_interrupted_unqueued(); lost != 0) {
    report_error(
        fmt::format("{} records were dropped: logged by a signal handler that interrupted a "
                    "thread's first log call (its ring was being made)",
                    lost));
  }
}

void drain_all_here() {
  wall_clock& clock = the_wall_clock();
  clock.calibrate();
  dispatcher& d = the_dispatcher();
  queue_set& queues = the_queues();
  queues.adopt();
  {
    const dispatcher::batch batch(d);
    queues.drain(std::numeric_limits<std::uint64_t>::max(), std::numeric_limits<std::size_t>::max(),
                 [&](const record_header& h, const thread_queue& q) {
                   d.process(h, q.thread_id, q.thread_name);
                 });
  }
  // Everything is written: the warnings come after it, stamped now.
  report_drops(queues, ticks_ordered(), true);
  queues.publish_and_reap();
}

bool write_sync(const logger& lg, std::byte* entry, std::size_t size) noexcept {
  if (writing_on_this_thread()) {
    // A sink, formatter or error handler logging while this thread writes:
    // the dispatcher is in the middle of a record.
    report_error(
        "a record logged from a sink, formatter or error handler while jot writes "
        "synchronously was dropped");
    return true;
  }
  try {
    std::unique_lock<std::mutex> lock(consumer_mutex(), std::try_to_lock);
    while (!lock.owns_lock()) {
      // A writer holds the role: it is stopping (wait for it), or jot was
      // started again and this call belongs in the ring.
      if (writer_running() && (lg.state() & state_stopped) == 0) return false;
      nap(20);
      static_cast<void>(lock.try_lock());
    }
    const consumer_role_scope role;
    // Whatever the rings still hold was logged before this call.
    drain_all_here();
    wall_clock& clock = the_wall_clock();
    dispatcher& d = the_dispatcher();
    auto* h = reinterpret_cast<record_header*>(entry);
    h->size = static_cast<std::uint32_t>(size);
    h->ticks = ticks();
    clock.resync(h->ticks);
    d.process(*h, current_thread_id(), current_thread_name());
    the_queues().count_written_on_caller(size);
    // No writer will flush later: the bytes go to the system now.
    d.flush_all(false);
  } catch (...) {
    report_error("a record could not be written synchronously");
  }
  return true;
}

}  // namespace jot::detail
