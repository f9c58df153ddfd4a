// The syslog sink: records rendered by syslog_formatter, framed for the
// transport, queued in a bounded outbox and sent over a link that is
// (re)connected with backoff at flush ticks. Called under the sink's lock
// only (see jot::sink).
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include <fmt/format.h>

#include "format/syslog_formatter.h"
#include "jot/collector.h"
#include "platform/clock.h"
#include "sinks/net/link.h"
#include "sinks/net/outbox.h"

extern char* program_invocation_short_name;  // glibc

namespace jot {

namespace {

using detail::ns_of;

// write() sends once this much waits (or a quarter of the buffer, if less),
// so that a busy writer does not wait for a flush tick to send.
constexpr std::size_t send_batch = std::size_t{64} << 10;

std::string local_hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return {};
  return buf;
}

class syslog_sink_impl final : public sink {
 public:
  syslog_sink_impl(const syslog_options& o, std::shared_ptr<detail::syslog_formatter> f,
                   detail::endpoint ep, std::unique_ptr<detail::tls_session> tls)
      : sink(f),
        fmt_(std::move(f)),
        opts_(o),
        link_(std::move(ep),
              o.transport == syslog_transport::tcp || o.transport == syslog_transport::tls
                  ? SOCK_STREAM
                  : SOCK_DGRAM,
              std::move(tls), o.socket_buffer_bytes),
        box_(o.buffer_bytes),
        batch_(std::min(send_batch, o.buffer_bytes / 4)),
        backoff_ns_(ns_of(o.reconnect_min)) {
    pump(detail::monotonic_ns() + ns_of(o.flush_timeout), false);
  }

  ~syslog_sink_impl() override {
    try {
      pump(detail::monotonic_ns() + ns_of(opts_.flush_timeout), false);
    } catch (...) {
      // a report that could not be formatted: nothing more to do
    }
    link_.close();
  }

  void write(const record_view&, std::string_view line) override {
    if (line.empty()) return;
    char frame[24];
    std::size_t frame_len = 0;
    if (link_.stream()) {
      frame_len = static_cast<std::size_t>(fmt::format_to(frame, "{} ", line.size()) - frame);
    }
    const std::size_t n = frame_len + line.size();
    if (!box_.fits(n) && opts_.on_full == when_full::wait && link_.up()) wait_for_room(n);
    box_.push(std::string_view(frame, frame_len), line);
    // Connected: send in batches. Down: try again when the backoff says so.
    if (link_.up() ? box_.bytes() >= batch_ : detail::monotonic_ns() >= next_attempt_ns_) {
      pump(detail::monotonic_ns(), true);
    }
  }

  void flush() override {
    pump(detail::monotonic_ns() + ns_of(opts_.flush_timeout), false);
    if (const std::uint64_t n = fmt_->take_shortened(); n != 0) {
      report_error(fmt::format("syslog {}: {} record{} longer than {} bytes shortened (marked {})",
                               link_.peer().text, n, n == 1 ? " was" : "s were", fmt_->max_bytes(),
                               detail::syslog_cut_marker));
    }
  }

  bool holds_unwritten() const noexcept override { return !box_.empty() || box_.lost() != 0; }

 private:
  // Connects if due, then sends what waits, until `deadline_ns`. From
  // write(), only what can go without waiting.
  void pump(std::int64_t deadline_ns, bool from_write) {
    const std::int64_t now = detail::monotonic_ns();
    if (!link_.up()) {
      if (now < next_attempt_ns_) return;
      if (link_.down()) give_up_ns_ = now + ns_of(opts_.connect_timeout);
      switch (link_.connect(deadline_ns, give_up_ns_)) {
        case detail::link::progress::failed:
          failed("cannot connect");
          return;
        case detail::link::progress::pending:
          return;
        case detail::link::progress::up:
          connected();
          break;
      }
    } else if (!link_.alive()) {
      // Before sending: what is sent after the collector closed its end
      // is accepted by the kernel and lost.
      failed("connection lost");
      return;
    }
    if (!from_write && box_.lost() != 0) report_loss();
    send(deadline_ns);
  }

  void send(std::int64_t deadline_ns) {
    if (link_.stream()) {
      while (!box_.empty()) {
        const std::ptrdiff_t n = link_.send_stream(box_.all_unsent(), deadline_ns);
        if (n < 0) {
          failed("connection lost");
          return;
        }
        box_.sent(static_cast<std::size_t>(n));
        if (n == 0 || detail::monotonic_ns() >= deadline_ns) return;
      }
      return;
    }
    while (!box_.empty()) {
      switch (link_.send_datagram(box_.front(), deadline_ns)) {
        case detail::link::sent::yes:
          box_.pop();
          break;
        case detail::link::sent::later:
          return;
        case detail::link::sent::too_big:
          report_error(
              fmt::format("syslog {}: a message of {} bytes was refused ({}) and is lost; "
                          "set a smaller max_message_bytes",
                          link_.peer().text, box_.front().size(), link_.error()));
          box_.pop();
          break;
        case detail::link::sent::failed:
          failed("cannot send");
          return;
      }
    }
  }

  // when_full::wait: sends until `n` more bytes fit (and half the buffer is
  // free), or the collector has
  // taken nothing for stall_timeout (the link is then dropped).
  void wait_for_room(std::size_t n) {
    std::int64_t progress_at = detail::monotonic_ns();
    // Until half the buffer is free (or `n` fits, if more): waiting for
    // each record's room alone would send in slivers.
    const std::size_t want = std::max(n, box_.capacity() / 2);
    while (box_.bytes() + want > box_.capacity() && link_.up()) {
      const std::size_t before = box_.bytes();
      pump(detail::monotonic_ns() + ns_of(std::chrono::milliseconds(50)), false);
      const std::int64_t now = detail::monotonic_ns();
      if (box_.bytes() != before) {
        progress_at = now;
      } else if (now - progress_at >= ns_of(opts_.stall_timeout)) {
        link_.close();
        failed("the collector took nothing for stall_timeout");
      }
    }
  }

  void connected() {
    backoff_ns_ = ns_of(opts_.reconnect_min);
    if (!down_reported_) return;
    down_reported_ = false;
    const double secs = static_cast<double>(detail::monotonic_ns() - down_since_ns_) / 1e9;
    report_error(fmt::format("syslog {}: connected again after {:.1f} s", link_.peer().text, secs));
  }

  // Records that did not fit in the buffer: reported through the error
  // handler and, at the place of the gap, to the collector.
  void report_loss() {
    const std::uint64_t lost = box_.take_lost();
    const std::string text = fmt::format(
        "{} record{} lost while the collector was unreachable or slower than the "
        "records came (buffer of {} bytes full)",
        lost, lost == 1 ? "" : "s", box_.capacity());
    report_error(fmt::format("syslog {}: {}", link_.peer().text, text));
    record_view r;
    r.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    r.lvl = level::warn;
    r.logger_name = "jot";
    r.message = text;
    std::string line;
    detail::encode_syslog(line, r, fmt_->encoding(), detail::current_pid());
    char frame[24];
    std::size_t frame_len = 0;
    if (link_.stream()) {
      frame_len = static_cast<std::size_t>(fmt::format_to(frame, "{} ", line.size()) - frame);
    }
    box_.push(std::string_view(frame, frame_len), line, true);
  }

  void failed(std::string_view what) {
    const std::int64_t now = detail::monotonic_ns();
    box_.restart_front();
    const std::size_t unacked = link_.unacknowledged_at_close();
    if (!down_reported_ || unacked != 0) {
      std::string msg = fmt::format("syslog {}: {}: {}", link_.peer().text, what, link_.error());
      if (unacked != 0) {
        msg += fmt::format(
            "; {} bytes already handed to the system had not been acknowledged "
            "by the collector and may be lost",
            unacked);
      }
      if (!down_reported_) {
        msg += fmt::format(
            "; records are kept (up to {} bytes) and reconnection is tried with "
            "backoff",
            box_.capacity());
        down_since_ns_ = now;
      }
      report_error(msg);
      down_reported_ = true;
    }
    next_attempt_ns_ = now + backoff_ns_;
    backoff_ns_ = std::min(2 * backoff_ns_, ns_of(opts_.reconnect_max));
  }

  std::shared_ptr<detail::syslog_formatter> fmt_;
  syslog_options opts_;
  detail::link link_;
  detail::outbox box_;
  std::size_t batch_;  // write() sends once this much waits
  std::int64_t backoff_ns_;
  std::int64_t next_attempt_ns_ = 0;
  std::int64_t give_up_ns_ = 0;
  std::int64_t down_since_ns_ = 0;
  bool down_reported_ = false;
};

}  // namespace

std::shared_ptr<sink> syslog_sink(syslog_options o) {
  static const int fork_handler = ::pthread_atfork(nullptr, nullptr, detail::forget_pid);
  (void)fork_handler;
  const bool tls = o.transport == syslog_transport::tls;
  const bool udp = o.transport == syslog_transport::udp;
  if (o.port == 0) o.port = tls ? 6514 : 514;
  if (o.max_message_bytes == 0) o.max_message_bytes = udp ? 65000 : 8096;
  if (o.max_message_bytes < detail::min_syslog_bytes) {
    throw config_error(fmt::format("syslog_sink: max_message_bytes {} is below {}",
                                   o.max_message_bytes, detail::min_syslog_bytes));
  }
  if (udp && o.max_message_bytes > 65507) {
    throw config_error("syslog_sink: max_message_bytes above 65507 cannot go in a UDP datagram");
  }
  if (o.buffer_bytes < o.max_message_bytes + 32) {
    throw config_error("syslog_sink: buffer_bytes must hold at least one message");
  }
  if (o.app_name.empty()) o.app_name = program_invocation_short_name;
  if (o.hostname.empty()) o.hostname = local_hostname();
  const detail::syslog_style style =
      o.format == syslog_format::rfc3164 ||
              (o.format == syslog_format::automatic && o.transport == syslog_transport::unix_socket)
          ? detail::syslog_style::rfc3164
          : detail::syslog_style::rfc5424;
  detail::endpoint ep = o.transport == syslog_transport::unix_socket
                            ? detail::unix_endpoint(o.path)
                            : detail::inet_endpoint(o.host, o.port,
                                                    tls   ? "tls"
                                                    : udp ? "udp"
                                                          : "tcp");
  std::unique_ptr<detail::tls_session> session;
  if (tls) {
    session = std::make_unique<detail::tls_session>(
        detail::tls_settings{o.tls_ca_file, o.tls_cert_file, o.tls_key_file,
                             o.tls_server_name.empty() ? o.host : o.tls_server_name, o.tls_verify});
  }
  auto f = std::make_shared<detail::syslog_formatter>(style, o.facility, o.hostname, o.app_name,
                                                      o.sd_id, o.max_message_bytes);
  return std::make_shared<syslog_sink_impl>(o, std::move(f), std::move(ep), std::move(session));
}

}  // namespace jot
