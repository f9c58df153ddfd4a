// Run by exit_without_shutdown_test: logs from main and from two threads,
// has a static object whose destructor logs, and returns from main without
// calling jot::shutdown(). Usage: jot_exit_child <log file> <records per thread>
#include <cstdlib>
#include <string>
#include <thread>

#include <jot/setup.h>

namespace {

struct logs_when_destroyed {
  jot::logger* log = nullptr;
  ~logs_when_destroyed() {
    if (log != nullptr) JOT_INFO(log, "from a static destructor");
  }
};

// Constructed before jot starts, so destroyed after jot's exit hook ran:
// its record is written synchronously.
logs_when_destroyed late;

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  const long n = std::atol(argv[2]);
  auto& log = jot::make_logger(
      "child", {jot::file_sink(argv[1], {.format = jot::pattern_formatter("{message}")})});
  late.log = &log;
  auto work = [&log, n](int t) {
    for (long i = 0; i < n; ++i) JOT_INFO(log, "t{} {}", t, i);
  };
  std::thread a(work, 1);
  std::thread b(work, 2);
  work(0);
  a.join();
  b.join();
  JOT_INFO(log, "last record from main");
  return 0;  // no flush(), no shutdown()
}
