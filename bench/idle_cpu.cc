// What an idle jot costs: CPU time of a process whose threads have stopped
// logging, against a thread that only naps as often as jot's writer does at
// most (the cost of a timed wakeup on this machine).
//
//     jot_bench_idle_cpu [--seconds N]

#include <sys/resource.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <jot/setup.h>

#include "common.h"

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Percent of one core used by this process over `seconds` of sleeping.
double idle_percent(double seconds) {
  const double c0 = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return 100.0 * (cpu_seconds() - c0) / wall;
}

}  // namespace

int main(int argc, char** argv) {
  bench::args a(argc, argv);
  const double seconds = static_cast<double>(a.u64("--seconds", 5));
  a.done("usage: jot_bench_idle_cpu [--seconds N]\n");

  fmt::print("== idle cost: CPU used while no thread logs, over {:.0f} s ==\n", seconds);
  // Reference: a thread that wakes every 50 ms (jot's longest nap) and does nothing.
  {
    std::mutex mu;
    std::condition_variable cv;
    bool stop = false;
    std::thread napper([&] {
      std::unique_lock<std::mutex> lk(mu);
      while (!stop) cv.wait_for(lk, std::chrono::milliseconds(50));
    });
    const double ref = idle_percent(seconds);
    {
      const std::lock_guard<std::mutex> lk(mu);
      stop = true;
    }
    cv.notify_one();
    napper.join();
    fmt::print("  a thread napping 50 ms at a time: {:.3f}% of one core\n", ref);
  }

  const bench::temp_dir dir;
  auto& log = jot::make_logger("idle", {jot::file_sink(dir.file("idle.log"))});
  for (int i = 0; i < 1000; ++i) JOT_INFO(log, "warm up {}", i);
  jot::flush();
  // The writer backs off over about 0.1 s to its longest nap.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double jot_idle = idle_percent(seconds);
  fmt::print("  jot, writer running, nothing logged: {:.3f}% of one core\n", jot_idle);
  jot::shutdown();
  return 0;
}
