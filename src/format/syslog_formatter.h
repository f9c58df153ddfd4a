// The formatter a syslog sink renders with: encode_syslog with the sink's
// settings, no line end (the transport frames each message). Counts the
// records it had to shorten, for the sink to report.
#pragma once

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "format/syslog_encoder.h"
#include "jot/formatter.h"

namespace jot::detail {

// getpid() without a system call per record: cached, and forgotten in a
// child after fork() (syslog_sink() registers forget_pid with
// pthread_atfork before any formatter exists).
inline std::atomic<std::uint32_t> cached_pid{0};
inline void forget_pid() noexcept { cached_pid.store(0, std::memory_order_relaxed); }
inline std::uint32_t current_pid() noexcept {
  std::uint32_t pid = cached_pid.load(std::memory_order_relaxed);
  if (pid == 0) {
    pid = static_cast<std::uint32_t>(::getpid());
    cached_pid.store(pid, std::memory_order_relaxed);
  }
  return pid;
}

class syslog_formatter final : public formatter {
 public:
  syslog_formatter(syslog_style style, int facility, std::string hostname, std::string app_name,
                   std::string sd_id, std::size_t max_bytes)
      : hostname_(std::move(hostname)), app_name_(std::move(app_name)), sd_id_(std::move(sd_id)) {
    enc_.style = style;
    enc_.facility = facility;
    enc_.hostname = hostname_;
    enc_.app_name = app_name_;
    enc_.sd_id = sd_id_;
    enc_.max_bytes = max_bytes;
  }

  void format(const record_view& rec, std::string& out) override {
    if (encode_syslog(out, rec, enc_, current_pid())) {
      shortened_.fetch_add(1, std::memory_order_relaxed);
    }
  }

  std::uint64_t take_shortened() noexcept {
    return shortened_.exchange(0, std::memory_order_relaxed);
  }
  std::size_t max_bytes() const noexcept { return enc_.max_bytes; }
  // Fixed once made: the sink encodes its own reports with it, without
  // the formatter's lock (which jot takes before sinks' locks at fork).
  const syslog_encoding& encoding() const noexcept { return enc_; }

 private:
  std::string hostname_, app_name_, sd_id_;
  syslog_encoding enc_;
  std::atomic<std::uint64_t> shortened_{0};
};

}  // namespace jot::detail
