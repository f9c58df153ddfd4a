// A real rsyslogd for the tests, run from Debian's package with a
// configuration of the test's own: TCP, UDP, a Unix socket and (if asked)
// a TLS listener on 127.0.0.1 and in its temp directory, writing every
// message it receives as a JSON line (structured data parsed by
// mmpstrucdata). Nothing of the system's syslog is touched.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/daemon.h"

namespace jot::test {

// What rsyslog wrote for one message.
struct received {
  std::string pri, host, app, procid, msgid, msg, input;
  nlohmann::json fields;  // {"jot@32473": {"id": "17"}, ...}; null if none
};

class rsyslog {
 public:
  // Why the tests cannot run rsyslogd here (empty if they can).
  static std::string unavailable();

  explicit rsyslog(bool with_tls = false);
  ~rsyslog() { stop(); }

  // Starts it and waits (up to 10 s) until it listens. False on failure
  // (the reason is in log()).
  bool start();
  void stop() { proc_.stop(); }
  void pause() const;   // SIGSTOP: a collector that takes nothing
  void resume() const;  // SIGCONT

  std::vector<received> records() const;
  // Waits until `ready(records())` or `limit` passes.
  template <class Pred>
  bool wait_for(Pred ready, std::chrono::milliseconds limit = std::chrono::milliseconds(20000)) {
    return wait_until([&] { return ready(records()); }, limit);
  }
  // Records whose MSGID (the logger's name) is `msgid`.
  std::vector<received> records_of(const std::string& msgid) const;
  std::string log() const;

  std::string dir;
  int tcp_port = 0;
  int udp_port = 0;
  int tls_port = 0;
  std::string unix_path;         // RFC 5424 parser
  std::string unix_legacy_path;  // the parser syslog(3) lines need
  std::string ca_file;           // the CA that signed the TLS listener's certificate

 private:
  bool with_tls_;
  daemon_process proc_;
};

}  // namespace jot::test
