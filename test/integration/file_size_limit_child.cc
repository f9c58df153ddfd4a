// Run by sink_failure_test: with RLIMIT_FSIZE set and SIGXFSZ ignored, so
// that writes past the limit fail with EFBIG, logs numbered records to a file
// sink and to an in-memory sink, shuts jot down, and prints on stdout what the
// error handler received ("error <message>") and what the in-memory sink
// received ("memory <line>"). A separate program, so that jot starts in a
// fresh process whatever the test binary did before.
// Usage: jot_file_size_limit_child <log file> <limit in bytes> <records>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "support/test_support.h"

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  const std::string path = argv[1];
  const auto limit = static_cast<rlim_t>(std::strtoull(argv[2], nullptr, 10));
  const long records = std::atol(argv[3]);

  // Without this the kernel kills the process at the first write past the limit.
  if (std::signal(SIGXFSZ, SIG_IGN) == SIG_ERR) return 3;
  const rlimit rl{limit, limit};
  if (::setrlimit(RLIMIT_FSIZE, &rl) != 0) return 4;

  jot::test::error_log errors;
  jot::options opts;
  opts.error_handler = errors.handler();
  if (!jot::start(opts)) return 5;
  const auto message_only = jot::pattern_formatter("{message}");
  auto memory = std::make_shared<jot::test::capture_sink>(message_only);
  auto& log = jot::make_logger("limited", {jot::file_sink(path, {.format = message_only}), memory});
  for (long i = 0; i < records; ++i) JOT_INFO(log, "record {}", i);
  jot::shutdown();

  // stdout is a pipe, which the file size limit does not apply to.
  for (std::string m : errors.snapshot()) {
    for (char& c : m) {
      if (c == '\n') c = ' ';
    }
    std::printf("error %s\n", m.c_str());
  }
  for (const auto& line : memory->lines()) std::printf("memory %s", line.c_str());
  return std::fflush(stdout) == 0 ? 0 : 6;
}
