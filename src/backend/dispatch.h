// Rendering records and handing them to sinks. Consumer role only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backend/decoder.h"
#include "jot/detail/wire.h"
#include "jot/record.h"

namespace jot {
class sink;
class formatter;
}  // namespace jot

namespace jot::detail {

class queue_set;

class dispatcher {
 public:
  // A record (or indirect entry) taken from a ring; frees an indirect
  // record's heap copy.
  void process(const record_header& entry, std::uint64_t thread_id, std::string_view thread_name);

  // Flushes the sinks written since their last flush.
  void flush_written_sinks() noexcept;

  // Writes "N records dropped from thread T since S" to the sinks of `lg`,
  // as a record of that thread, at `ticks`.
  void warn_dropped(const logger& lg, std::uint64_t count, std::int64_t since_ns,
                    std::uint64_t ticks, std::uint64_t thread_id, std::string_view thread_name);

 private:
  void emit(const record_header& rec, std::uint64_t ticks, std::uint64_t thread_id,
            std::string_view thread_name);

  fmt::memory_buffer message_;
  record_decoder decoder_;
  // Lines rendered for the current record, one per distinct formatter.
  std::vector<std::pair<formatter*, std::string>> lines_;
  std::size_t lines_used_ = 0;
  std::vector<sink*> written_;
};

dispatcher& the_dispatcher() noexcept;

// Writes every record the rings hold, on the calling thread, which must
// hold the consumer lock (no writer running).
void drain_all_here();

// Consumer role: reports drops not reported yet (a warning record to the
// sinks of the logger that dropped, and the error handler).
void report_drops(queue_set& queues);

}  // namespace jot::detail
