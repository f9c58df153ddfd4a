// Sinks that deliver records to log collectors: syslog daemons (rsyslog,
// syslog-ng) over UDP, TCP, TLS or a Unix socket, and the systemd journal.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "jot/export.h"
#include "jot/sink.h"

namespace jot {

enum class syslog_transport : std::uint8_t {
  udp,          // RFC 5426: one message per datagram
  tcp,          // RFC 6587 octet counting: "LEN SP MESSAGE"
  tls,          // RFC 5425: octet counting inside TLS (OpenSSL)
  unix_socket,  // a local daemon's datagram socket (/dev/log)
};

enum class syslog_format : std::uint8_t {
  automatic,  // rfc3164 on unix_socket (what /dev/log readers expect), else rfc5424
  rfc5424,    // with the record's fields as structured data
  rfc3164,    // "<PRI>Mmm dd hh:mm:ss app[pid]: message key=value ...", as syslog(3)
};

/// What the sink does with a record when its buffer is full.
enum class when_full : std::uint8_t {
  /// Count the record as lost and go on (reported: "N records lost while
  /// the collector was unreachable").
  drop,
  /// While connected, wait for the collector to take bytes, so that a slow
  /// collector slows the writer and then, through jot's backpressure, the
  /// application; nothing is lost then. A collector that takes nothing for
  /// `stall_timeout` is treated as gone (reconnect, buffer, drop).
  wait,
};

struct syslog_options {
  syslog_transport transport = syslog_transport::unix_socket;
  std::string host = "127.0.0.1";  // udp, tcp, tls; resolved once, when the sink is made
  std::uint16_t port = 0;          // 0: 514 (udp, tcp) or 6514 (tls)
  std::string path = "/dev/log";   // unix_socket
  syslog_format format = syslog_format::automatic;
  int facility = 1;                 // 1 user (default), 16 to 23 local0 to local7, ...
  std::string app_name;             // APP-NAME; empty: the program's name
  std::string hostname;             // HOSTNAME; empty: gethostname()
  std::string sd_id = "jot@32473";  // the structured-data element of the fields
  /// The longest message, framing excluded; a longer record is shortened,
  /// marked "[truncated]" and reported. 0: 8096 for tcp, tls and
  /// unix_socket (rsyslog's default limit), 65000 for udp. At least 600.
  std::size_t max_message_bytes = 0;
  /// Messages wait here while the collector is unreachable or slow.
  std::size_t buffer_bytes = std::size_t{4} << 20;
  when_full on_full = when_full::drop;
  /// The socket's send buffer (SO_SNDBUF; 0: the system's default, which
  /// grows to a few MiB on Linux). Bytes there have left jot's buffer: if
  /// the connection breaks, they are what can be lost without a count.
  std::size_t socket_buffer_bytes = 0;
  /// The longest a connection attempt (TCP and TLS handshake) may take.
  std::chrono::milliseconds connect_timeout{3000};
  /// The longest one flush waits for the network; records not sent by
  /// then stay buffered for the next flush.
  std::chrono::milliseconds flush_timeout{100};
  /// when_full::wait: how long a connected collector may take nothing.
  std::chrono::milliseconds stall_timeout{10000};
  /// Reconnection attempts: first after reconnect_min, doubling up to
  /// reconnect_max while they fail.
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{10000};
  // TLS. The collector's certificate is verified against tls_ca_file (or
  // the system's trust store) and tls_server_name (default: host).
  std::string tls_ca_file;
  std::string tls_cert_file;  // client certificate (PEM), if the collector asks for one
  std::string tls_key_file;   // its key; empty: in tls_cert_file
  std::string tls_server_name;
  bool tls_verify = true;
};

/// Sends each record to a syslog collector as an RFC 5424 message with
/// the record's fields as structured data (see README "Collectors"):
///
///     auto& log = jot::make_logger("app", {jot::syslog_sink({
///         .transport = jot::syslog_transport::tcp, .host = "127.0.0.1", .port = 5514})});
///     JOT_INFO(log, "order {id} paid", 17);
///     // <14>1 2026-11-22T07:26:06.123456Z host app 4242 app [jot@32473 id="17"] order 17 paid
///
/// Never blocks the writer longer than flush_timeout (or connect_timeout
/// once per attempt; with when_full::wait, stall_timeout): sockets are
/// non-blocking, a lost connection is retried with backoff at flush
/// ticks, and records wait in a bounded buffer meanwhile. Records that
/// overflow it are counted and reported through the error handler, and to
/// the collector as a record of their own, once it is back. Over TCP and
/// TLS, a message cut by a broken connection is sent again whole on the
/// next one; what the operating system had already accepted but the
/// collector never read (at most the socket's send buffer plus what the
/// collector held unread) is lost, and its size, as far as the kernel
/// knows it, is reported. Throws config_error for an address that cannot
/// be resolved, an unusable TLS file or a bad option.
JOT_API std::shared_ptr<sink> syslog_sink(syslog_options options = {});

struct journald_options {
  std::string path = "/run/systemd/journal/socket";
  std::string identifier;  // SYSLOG_IDENTIFIER; empty: the program's name
  std::size_t buffer_bytes = std::size_t{4} << 20;
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{10000};
};

/// Sends each record to the systemd journal over its native protocol,
/// without libsystemd: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, LOGGER,
/// CODE_FILE, CODE_LINE, CODE_FUNC, TID, THREAD_NAME and every field of
/// the record (`order_id` becomes ORDER_ID; names the journal would refuse
/// get "F_" in front). An entry too large for a datagram goes through a
/// sealed memfd. While the journal is away or busy, entries wait in a
/// bounded buffer as in syslog_sink.
///
///     auto& log = jot::make_logger("app", {jot::journald_sink()});
///     JOT_INFO(log, "order {id} paid", 17);  // journalctl -o json: "ID":"17"
JOT_API std::shared_ptr<sink> journald_sink(journald_options options = {});

}  // namespace jot
