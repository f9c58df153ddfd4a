// Run by the file reopening and logrotate tests: a live process logging
// numbered records to a file, so that other processes (logrotate, the
// test itself) can rotate, truncate or share the file meanwhile.
//
// Usage: jot_rotation_child <mode> <log file> <records> <pause us> <tag> [<hold file>]
//   plain       a file_sink with a 4 KiB buffer, reopened on SIGHUP
//               (options::reopen_on_sighup); records are
//               "<tag> <n> <padding>", n from 0, one every <pause us>
//   unwritable  a rotating_file_sink (max_bytes 256) in a directory this
//               process cannot write to (it gives up root first, if root)
// Prints "ready" once jot has started, and at the end "error <message>"
// for each report the error handler received. With <hold file>, it stays
// up after its last record (jot running, SIGHUP still reopening) until
// that file exists, so a test's rotations never outlast it on a slow
// machine; it gives up after two minutes.
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>

#include "support/test_support.h"

int main(int argc, char** argv) {
  if (argc != 6 && argc != 7) return 2;
  const std::string_view mode = argv[1];
  const std::string path = argv[2];
  const long records = std::atol(argv[3]);
  const long pause_us = std::atol(argv[4]);
  const std::string tag = argv[5];
  if (mode == "unwritable" && ::geteuid() == 0) {
    // nobody: root would write to the directory whatever its permissions.
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) return 3;
    // Changing the user makes the process undumpable, which stops
    // LeakSanitizer (it attaches to the process at exit) in the asan build.
    ::prctl(PR_SET_DUMPABLE, 1);
  }
  jot::test::error_log errors;
  jot::options o;
  o.error_handler = errors.handler();
  o.reopen_on_sighup = true;
  if (!jot::start(o)) return 4;
  std::shared_ptr<jot::sink> sink;
  if (mode == "plain") {
    sink =
        jot::file_sink(path, {.buffer_bytes = 4096, .format = jot::pattern_formatter("{message}")});
  } else if (mode == "unwritable") {
    sink = jot::rotating_file_sink(
        path, {.max_bytes = 256, .format = jot::pattern_formatter("{message}")});
  } else {
    return 2;
  }
  auto& log = jot::make_logger("child", {sink});
  std::printf("ready\n");
  std::fflush(stdout);
  const std::string padding(120, '.');
  for (long i = 0; i < records; ++i) {
    JOT_INFO(log, "{} {} {}", tag, i, padding);
    if (pause_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(pause_us));
  }
  if (argc == 7) {
    for (int i = 0; i < 12000 && ::access(argv[6], F_OK) != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  jot::shutdown();
  for (const auto& m : errors.snapshot()) std::printf("error %s\n", m.c_str());
  return 0;
}
