// Rendering records and handing them to sinks. Consumer role only.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backend/decoder.h"
#include "jot/detail/wire.h"
#include "jot/formatter.h"
#include "jot/record.h"

namespace jot {
class sink;
}  // namespace jot

namespace jot::detail {

class queue_set;
struct sink_control;

// Decodes a record, renders it once per distinct formatter and hands the
// lines to the logger's sinks, each under its lock. The writer's instance
// (the_dispatcher(), consumer role) also keeps the list of sinks to flush;
// a thread logging in delivery::sync mode has an instance of its own
// (caller_dispatcher()), which hands such sinks to the writer's list.
class dispatcher {
 public:
  explicit dispatcher(bool writer) noexcept : writer_(writer) {}

  // Consumer role: a record (or indirect entry) taken from a ring; frees an
  // indirect record's heap copy. Its time comes from the ring's ticks.
  void process(const record_header& entry, std::uint64_t thread_id, std::string_view thread_name);

  // A whole record, stamped `time_ns` (nanoseconds since the Unix epoch).
  void emit(const record_header& rec, std::int64_t time_ns, std::uint64_t thread_id,
            std::string_view thread_name);

  // A record the flight recorder kept, written now with the field
  // backtrace=true (see backend/backtrace.h).
  void emit_kept(const record_header& rec, std::int64_t time_ns, std::uint64_t thread_id,
                 std::string_view thread_name);

  // Consumer role: flushes the sinks whose policy says so now (`idle`: the
  // rings are empty), and makes owed syncs that are due. Returns when a
  // policy next asks for a flush or sync by time (monotonic ns; INT64_MAX:
  // none), so that a napping writer wakes for it.
  std::int64_t service(bool idle) noexcept;
  // Consumer role: flushes every sink holding unflushed records, and
  // syncs those whose policy syncs (jot::flush(), shutdown: `sync_now`).
  void flush_all(bool sync_now) noexcept;
  // Consumer role: how many sinks kept records at their last flush
  // (sink::holds_unwritten()).
  std::size_t sinks_holding_unwritten() noexcept;

  // Writes "N records dropped from thread T since S" to the sinks of `lg`,
  // as a record of that thread, at `ticks`.
  void warn_dropped(const logger& lg, std::uint64_t count, std::int64_t since_ns,
                    std::uint64_t ticks, std::uint64_t thread_id, std::string_view thread_name);

  // Renders the message of a whole record into `out` (the caller's half of
  // delivery::async_eager); also decodes its fields. False if the record's
  // bytes did not match its call site (the message then says so).
  bool render_message(const record_header& rec, fmt::memory_buffer& out) noexcept;
  std::span<const field> fields() const noexcept { return decoder_.fields(); }

  // Consumer role, the writer's dispatcher: while a batch lives, the lock
  // of the raw sink (the binary log) written last stays held for the
  // records after it, instead of being taken for each: until a record goes
  // to another sink, a sink throws, service() or flush_all() visits the
  // sinks, or the batch ends. A thread writing in delivery::sync mode or
  // setting a flush policy waits for that at most. The crash handler's
  // drain takes each record's locks as always (bounded in time). A batch
  // spans a drain of the rings only, never a report or a nap:
  //   { const dispatcher::batch b(d); queues.drain(...); }
  class batch {
   public:
    explicit batch(dispatcher& d) noexcept : d_(d), was_(d.batching_) { d.batching_ = d.writer_; }
    ~batch() {
      // Over before the lock is free: a fork() that takes it next leaves
      // the child no batch.
      d_.batching_ = was_;
      d_.release_held();
    }
    batch(const batch&) = delete;
    batch& operator=(const batch&) = delete;

   private:
    dispatcher& d_;
    bool was_;
  };

 private:
  void take_pending();
  std::int64_t visit_listed(bool idle, bool flush, bool sync_now) noexcept;
  // Whether the lock of `s` (a raw sink) is held now, for a batch.
  bool hold(const std::shared_ptr<sink>& s, sink_control& c) noexcept;
  void release_held() noexcept;
  // A thread in delivery::sync mode: its own copy of `f`
  // (formatter::copy_for_thread()), made on first use, or nullptr if `f`
  // offers none (or it could not be made).
  formatter* copy_of(const std::shared_ptr<formatter>& f) noexcept;

  bool writer_;
  fmt::memory_buffer message_;
  record_decoder decoder_;
  record_view view_;  // of the record being written, once decoded
  // Lines rendered for the current record, one per distinct formatter.
  std::vector<std::pair<formatter*, std::string>> lines_;
  std::size_t lines_used_ = 0;
  // Not the writer: this thread's copies of formatters, by formatter (a
  // copy of nullptr: that formatter offers none).
  struct formatter_copy {
    std::weak_ptr<formatter> owner;
    const formatter* of;
    std::unique_ptr<formatter> copy;
  };
  std::vector<formatter_copy> copies_;
  // Writer: the sinks holding unflushed records or owing a sync.
  std::vector<sink*> listed_;
  // Every sink of every logger, for a record_every_sink record.
  std::vector<std::shared_ptr<sink>> every_;
  // Writing a kept record: its fields and the mark.
  bool kept_ = false;
  std::vector<field> marked_fields_;
  // Inside a batch; the raw sink whose lock is held, and whether its
  // write_raw() is running (a crash inside it: the lock stays held).
  bool batching_ = false;
  std::shared_ptr<sink> held_;
  bool in_held_ = false;
};

dispatcher& the_dispatcher() noexcept;

// What a thread needs to render on its own (delivery::sync and
// async_eager): made on first use, freed when the thread exits.
struct caller_state {
  dispatcher d{false};
  fmt::memory_buffer message;
  std::vector<std::uint64_t> entry;  // an async_eager record, 8-byte aligned
  std::uint64_t thread_id = 0;
  std::string thread_name;
  // Rendering now: a log call made meanwhile (by a formatter, a sink or a
  // deferred user type) goes through the ring instead.
  bool busy = false;
};

// The calling thread's state, or nullptr if it cannot be made.
caller_state* this_caller() noexcept;

// In a child after fork(): rebuilds the lock of the list of sinks threads
// in sync mode hand to the writer.
void reset_pending_after_fork() noexcept;

// Writes every record the rings hold, on the calling thread, which must
// hold the consumer lock (no writer running).
void drain_all_here();

// How often at most the drops of one thread and logger are reported while
// they go on (a flush, shutdown or the thread's exit report at once).
inline constexpr std::chrono::seconds drop_report_period{1};

// Consumer role: reports drops not reported yet (a warning record to the
// sinks of the logger that dropped, and the error handler), for each thread
// and logger at most once per drop_report_period unless `force`. Every
// record stamped up to `at_ticks` must be written already: the warnings are
// stamped `at_ticks`, so the sinks still see records in time order.
void report_drops(queue_set& queues, std::uint64_t at_ticks, bool force);

}  // namespace jot::detail
