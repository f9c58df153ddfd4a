// Encoding records into the binary log's entries (format: binary_log.h).
// Consumer role only: used by the binary file sink under its lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "jot/detail/wire.h"
#include "sinks/raw_sink.h"

namespace jot::detail {

// Turns records into entries: each record refers to its call site, logger
// and thread by a small id, and the first record of a segment that needs
// one is preceded by its definition. Arguments are copied as they are in
// the ring, less the padding; the one exception is a user type formatted
// on the writer (jot::defer_format), which becomes the text its formatter
// makes with the placeholder's spec, since its formatter cannot be written
// into a file.
class binary_log_writer {
 public:
  binary_log_writer();
  ~binary_log_writer();
  binary_log_writer(const binary_log_writer&) = delete;
  binary_log_writer& operator=(const binary_log_writer&) = delete;

  // Appends a segment entry to `out` and forgets every id: what follows
  // decodes on its own. Call it at the start of each file.
  void start_segment(std::string& out);
  // Appends `r` to `out`, after the definitions it needs.
  void append(std::string& out, const raw_record& r);

  // Where the segment stands: how many ids of each kind it has defined,
  // and the time the next record's is written relative to.
  struct mark {
    std::size_t sites = 0;
    std::size_t loggers = 0;
    std::size_t threads = 0;
    std::int64_t time_ns = 0;
  };
  mark position() const noexcept {
    return {site_defs_.size(), logger_defs_.size(), thread_defs_.size(), last_time_ns_};
  }
  // Appends a segment entry and the definitions made before `m` (a mark of
  // the current segment), with their ids: entries written after `m` then
  // decode after these in a new file, but for the first record's time,
  // which rebase() mends.
  void restate(std::string& out, const mark& m) const;
  // Makes `entries`, written after `m` in this segment, decode in a new
  // file: `prefix` (from restate(m)) goes first, and the first record's
  // time is written anew relative to the segment's start. Entries from a
  // later segment on are left as they are.
  static void rebase(std::string& entries, std::string_view prefix, const mark& m);

 private:
  static void segment_entry(std::string& out);

  struct site_info {
    std::uint32_t id = 0;
    // A node of the tree is a deferred user type (written as its text) or a
    // long double (written without the padding bytes its memory holds).
    bool has_user = false;
    bool flat = false;  // every argument a scalar (the common case): no tree to walk
    // For a flat site: each argument's size, 0 for a string (its length
    // and bytes).
    std::vector<std::uint8_t> sizes;
  };
  // The lookups every record makes: the last site, logger and thread seen
  // are answered here, the others (and definitions) out of line.
  const site_info& site_of(std::string& out, const call_site& site) {
    const site_slot& slot =
        site_cache_[(reinterpret_cast<std::uintptr_t>(&site) >> 4) % site_slots];
    return slot.site == &site ? *slot.info : define_site(out, site);
  }
  std::uint32_t logger_of(std::string& out, const logger& lg) {
    return &lg == last_logger_ ? last_logger_id_ : define_logger(out, lg);
  }
  std::uint32_t thread_of(std::string& out, std::uint64_t tid, std::string_view name) {
    return last_thread_ != nullptr && tid == last_tid_ && same_name(last_thread_->name, name)
               ? last_thread_->id
               : define_thread(out, tid, name);
  }
  const site_info& define_site(std::string& out, const call_site& site);
  std::uint32_t define_logger(std::string& out, const logger& lg);
  std::uint32_t define_thread(std::string& out, std::uint64_t tid, std::string_view name);
  // Equal names, compared a word at a time for names as short as threads'
  // (the system's are at most 15 bytes).
  static bool same_name(std::string_view a, std::string_view b) noexcept;
  // The record's body as the file keeps it: a part of the record's own
  // bytes, or body_ when a user type had to become text. The whole body
  // when its bytes do not fit its call site (the reader then says so, as
  // the text sinks would).
  std::string_view make_body(const record_header& h, const call_site& site, const site_info& info);

  struct site_slot {
    const call_site* site = nullptr;
    const site_info* info = nullptr;
  };
  static constexpr std::size_t site_slots = 256;
  site_slot site_cache_[site_slots];
  std::unordered_map<const call_site*, std::unique_ptr<site_info>> sites_;
  std::unordered_map<const logger*, std::uint32_t> loggers_;
  struct thread_info {
    std::uint32_t id = 0;
    std::string name;
  };
  std::unordered_map<std::uint64_t, thread_info> threads_;
  // Each definition of the segment as written (length and all), by id.
  std::vector<std::string> site_defs_;
  std::vector<std::string> logger_defs_;
  std::vector<std::string> thread_defs_;
  std::uint32_t next_thread_id_ = 0;
  const logger* last_logger_ = nullptr;
  std::uint32_t last_logger_id_ = 0;
  std::uint64_t last_tid_ = 0;
  const thread_info* last_thread_ = nullptr;
  std::int64_t last_time_ns_ = 0;
  std::string body_;
  std::string text_;  // a user type's text
};

inline bool binary_log_writer::same_name(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const auto word = [](const char* p) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, 8);
    return w;
  };
  const auto half = [](const char* p) {
    std::uint32_t w = 0;
    std::memcpy(&w, p, 4);
    return w;
  };
  // Two loads from each end cover the whole name, overlapping if need be.
  if (n >= 8 && n <= 16) {
    return word(a.data()) == word(b.data()) && word(a.data() + n - 8) == word(b.data() + n - 8);
  }
  if (n >= 4 && n < 8) {
    return half(a.data()) == half(b.data()) && half(a.data() + n - 4) == half(b.data() + n - 4);
  }
  return a == b;
}

}  // namespace jot::detail
