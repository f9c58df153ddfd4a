// Real collectors (rsyslogd, syslog-ng, systemd-journald) run by the tests:
// a child process with its output in a file, stopped at the end; free
// ports; waiting with a time limit.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace jot::test {

// A program found in PATH, /usr/sbin or /sbin; empty if none.
std::string find_program(const std::string& name);

// A fresh directory under the test temp directory, removed (with what is
// in it) at exit unless JOT_KEEP_TEST_FILES is set.
std::string temp_dir(std::string_view name);

void write_file(const std::string& path, std::string_view text);

class daemon_process {
 public:
  daemon_process() = default;
  // Runs argv[0] with argv, stdout and stderr appended to `log_path`.
  daemon_process(std::vector<std::string> argv, std::string log_path);
  ~daemon_process() { stop(); }
  daemon_process(const daemon_process&) = delete;
  daemon_process& operator=(const daemon_process&) = delete;
  daemon_process(daemon_process&& o) noexcept { *this = std::move(o); }
  daemon_process& operator=(daemon_process&& o) noexcept;

  pid_t pid() const noexcept { return pid_; }
  bool running();
  void signal(int sig) const;
  // SIGTERM, then SIGKILL if it has not exited within `grace`.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
  // What it wrote to its log.
  std::string output() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

// A port on 127.0.0.1 that was free a moment ago (for SOCK_STREAM or
// SOCK_DGRAM).
int free_port(int type);
// Whether something accepts TCP connections on 127.0.0.1:port.
bool tcp_listening(int port);
// Calls `ready` every 10 ms until it returns true or `limit` passes.
bool wait_until(const std::function<bool()>& ready,
                std::chrono::milliseconds limit = std::chrono::milliseconds(10000));

}  // namespace jot::test
