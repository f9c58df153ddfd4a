// The flight recorder (logger::enable_backtrace()): records below a
// logger's level, kept by the writer as they were encoded, and written when
// a record at the dump level comes, on jot::dump_backtrace() and from the
// crash handler. Consumer role only, except where said.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "jot/detail/wire.h"
#include "jot/level.h"

namespace jot {
class logger;
}

namespace jot::detail {

class dispatcher;

struct backtrace_store {
  // Set by enable_backtrace() on any thread; the writer follows them.
  std::atomic<std::size_t> capacity{0};
  std::atomic<level> dump_at{level::error};

  // The writer's: a ring of the last `capacity` records.
  struct kept {
    std::vector<std::byte> bytes;  // the record, header and arguments, 8-byte aligned
    std::int64_t time_ns = 0;
    std::uint64_t thread_id = 0;
    std::string thread_name;
  };
  std::vector<kept> slots;
  std::size_t next = 0;   // where the next record goes
  std::size_t count = 0;  // records kept
};

// Any thread: notes a logger whose store exists, for dump_all_kept().
void note_backtrace_logger(logger& lg);

// For each record of a logger with a backtrace: keeps it (true: it is not
// written now) if it is below the logger's level; if it is at or above the
// dump level, writes what is kept first (false).
bool keep_or_dump(dispatcher& d, const logger& lg, const record_header& rec, std::int64_t time_ns,
                  std::uint64_t thread_id, std::string_view thread_name);

// Writes every logger's kept records (jot::dump_backtrace(), the crash
// handler).
void dump_all_kept(dispatcher& d);

// jot::dump_backtrace(): any thread asks, the consumer takes the request
// when it completes a flush.
void request_backtrace_dump() noexcept;
bool take_backtrace_dump_request() noexcept;

}  // namespace jot::detail
