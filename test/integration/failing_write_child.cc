// Run by sink_failure_test: logs numbered records to a sink whose writes
// fail and to an in-memory sink, shuts jot down, and prints on stdout what
// the error handler received ("error <message>") and what the in-memory sink
// received ("memory <line>"). The failing sink is
//   a file sink, with RLIMIT_FSIZE set to <limit> (writes past it fail with
//     EFBIG and raise SIGXFSZ), for modes "async" and "sync"; for mode
//     "raise", the limit is lifted once half the records are flushed, so
//     writing recovers;
//   a console sink on standard error, made a pipe whose reader is gone
//     (writes fail with EPIPE and raise SIGPIPE), for modes "pipe" and
//     "pipe-sync";
//   a file sink whose directory does not exist, for mode "unopened" (the
//     records wait in memory; shutdown must say they were never written).
// Both signals are left at their default action, which ends the process,
// unless jot keeps them off its writes. The "-sync" modes and "sync" log in
// delivery::sync, so the logging thread writes; the others leave it to the
// writer thread. A separate program, so that jot starts in a fresh process
// whatever the test binary did before.
// Usage: jot_failing_write_child <mode> <log file> <limit in bytes> <records>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "support/test_support.h"

int main(int argc, char** argv) {
  if (argc != 5) return 2;
  const std::string_view mode = argv[1];
  const std::string path = argv[2];
  const auto limit = static_cast<rlim_t>(std::strtoull(argv[3], nullptr, 10));
  const long records = std::atol(argv[4]);
  const bool pipe_mode = mode == "pipe" || mode == "pipe-sync";
  const bool raise_mode = mode == "raise";
  if (!pipe_mode && !raise_mode && mode != "async" && mode != "sync" && mode != "unopened") {
    return 2;
  }

  if (std::signal(SIGXFSZ, SIG_DFL) == SIG_ERR || std::signal(SIGPIPE, SIG_DFL) == SIG_ERR) {
    return 3;
  }
  if (pipe_mode) {
    int fds[2];
    if (::pipe(fds) != 0 || ::close(fds[0]) != 0 || ::dup2(fds[1], 2) != 2) return 4;
  } else if (mode != "unopened") {
    const rlimit rl{limit, raise_mode ? RLIM_INFINITY : limit};
    if (::setrlimit(RLIMIT_FSIZE, &rl) != 0) return 4;
  }

  jot::test::error_log errors;
  jot::options opts;
  opts.error_handler = errors.handler();
  if (!jot::start(opts)) return 5;
  const auto message_only = jot::pattern_formatter("{message}");
  auto memory = std::make_shared<jot::test::capture_sink>(message_only);
  auto failing = pipe_mode ? jot::console_sink(jot::console_stream::err, message_only,
                                               jot::console_colors::never)
                           : jot::file_sink(path, {.format = message_only});
  auto& log = jot::make_logger("failing", {failing, memory});
  if (mode.ends_with("sync")) log.set_delivery(jot::delivery::sync);
  for (long i = 0; i < records; ++i) {
    if (raise_mode && i == records / 2) {
      jot::flush();
      const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
      if (::setrlimit(RLIMIT_FSIZE, &unlimited) != 0) return 7;
    }
    JOT_INFO(log, "record {}", i);
  }
  jot::shutdown();

  // stdout is a pipe with a reader, which the file size limit does not
  // apply to.
  for (std::string m : errors.snapshot()) {
    for (char& c : m) {
      if (c == '\n') c = ' ';
    }
    std::printf("error %s\n", m.c_str());
  }
  for (const auto& line : memory->lines()) std::printf("memory %s", line.c_str());
  return std::fflush(stdout) == 0 ? 0 : 6;
}
