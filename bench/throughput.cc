// End-to-end throughput: N records from one producer thread to a file.
//
// Two figures per contender:
//   producer  records / (time from the first call until the last call returns)
//   end to end records / (time from the first call until everything is in the
//              file: jot::flush() returned; spdlog sync: flush() returned;
//              spdlog async: the thread pool was destroyed, which joins its
//              worker after it drained the queue; fmt_fwrite: fflush returned)
// After each contender the file must hold exactly N lines; anything else is
// reported loudly and makes the exit status nonzero.
//
//     jot_bench_throughput [--records N] [--producer-cpu C] [--backend-cpu C]
//                          [--only a,b] [--csv FILE]

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>

#include <jot/setup.h>

#if JOT_BENCH_HAVE_SPDLOG
#include <spdlog/async.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#endif

#include "common.h"

namespace {

constexpr std::string_view usage =
    "usage: jot_bench_throughput [--records N] [--producer-cpu C] [--backend-cpu C]\n"
    "                            [--only jot,spdlog_async,spdlog_sync,fmt_fwrite] [--csv FILE]\n";

using clock_type = std::chrono::steady_clock;

struct config {
  std::uint64_t records = 4'000'000;
  int producer_cpu = 0;
  int backend_cpu = 1;
  std::string only;
  std::string csv;
};

[[maybe_unused]] constexpr const char* spdlog_pattern =
    "%Y-%m-%d %H:%M:%S.%F %-5l [%t] %n: %v (%s:%#)";

constexpr std::string_view client = "client-a";

struct result {
  std::string name;
  double producer_s = 0;
  double total_s = 0;
  std::uint64_t bytes = 0;
  std::int64_t lines = 0;
  std::string note;
};

double seconds(clock_type::time_point a, clock_type::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Fills in the file's size and line count, then deletes it (each file is
// a few hundred MB at the default N).
void check_file(result& r, const std::string& path) {
  r.bytes = bench::file_bytes(path);
  r.lines = bench::count_lines(path);
  std::remove(path.c_str());
}

result run_jot(const config& cfg, const bench::temp_dir& dir) {
  result r{"jot", 0, 0, 0, 0, {}};
  jot::options o;
  o.writer_cpu = cfg.backend_cpu;
  if (!jot::start(o)) r.note = "jot was already running: writer not pinned by this benchmark";

  // Warm-up on another logger: creates this thread's ring, as in any
  // program that has logged before.
  jot::file_options wo;
  wo.truncate = true;
  jot::logger& warm = jot::make_logger("warmup", {jot::file_sink(dir.file("warmup.log"), wo)});
  JOT_INFO(warm, "warm-up {}", 1);
  jot::flush();

  const std::string path = dir.file("jot.log");
  jot::file_options fo;
  fo.truncate = true;
  jot::logger& lg = jot::make_logger("bench", {jot::file_sink(path, fo)}, jot::level::info);
  const int n = static_cast<int>(cfg.records);

  const auto t0 = clock_type::now();
  for (int i = 0; i < n; ++i) {
    JOT_INFO(lg, "request {} took {} ms from {}", i, 3.5 + i, client);
  }
  const auto t1 = clock_type::now();
  jot::flush();
  const auto t2 = clock_type::now();

  jot::shutdown();
  r.producer_s = seconds(t0, t1);
  r.total_s = seconds(t0, t2);
  check_file(r, path);
  return r;
}

#if JOT_BENCH_HAVE_SPDLOG
result run_spdlog_async(const config& cfg, const bench::temp_dir& dir) {
  result r{"spdlog_async", 0, 0, 0, 0, {}};
  std::atomic<bool> pinned{false};
  const int cpu = cfg.backend_cpu;
  spdlog::init_thread_pool(8192, 1, [&pinned, cpu] { pinned = bench::pin_this_thread(cpu); });
  const std::string path = dir.file("spdlog_async.log");
  auto lg = std::make_shared<spdlog::async_logger>(
      "bench", std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, true),
      spdlog::thread_pool(), spdlog::async_overflow_policy::block);
  lg->set_pattern(spdlog_pattern, spdlog::pattern_time_type::utc);
  lg->set_level(spdlog::level::info);
  const int n = static_cast<int>(cfg.records);

  const auto t0 = clock_type::now();
  for (int i = 0; i < n; ++i) {
    SPDLOG_LOGGER_INFO(lg, "request {} took {} ms from {}", i, 3.5 + i, client);
  }
  const auto t1 = clock_type::now();
  // flush() only queues a request. Destroying the pool (the registry holds
  // the only owning pointer) queues a stop after everything and joins the
  // worker; the queued messages own the logger, so the sink closes (and
  // flushes its FILE*) when the last one is written.
  lg->flush();
  lg.reset();
  spdlog::shutdown();
  const auto t2 = clock_type::now();

  if (!pinned) r.note = "spdlog's worker thread could not be pinned";
  r.producer_s = seconds(t0, t1);
  r.total_s = seconds(t0, t2);
  check_file(r, path);
  return r;
}

result run_spdlog_sync(const config& cfg, const bench::temp_dir& dir) {
  result r{"spdlog_sync", 0, 0, 0, 0, {}};
  const std::string path = dir.file("spdlog_sync.log");
  auto lg = std::make_shared<spdlog::logger>(
      "bench", std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, true));
  lg->set_pattern(spdlog_pattern, spdlog::pattern_time_type::utc);
  lg->set_level(spdlog::level::info);
  const int n = static_cast<int>(cfg.records);

  const auto t0 = clock_type::now();
  for (int i = 0; i < n; ++i) {
    SPDLOG_LOGGER_INFO(lg, "request {} took {} ms from {}", i, 3.5 + i, client);
  }
  const auto t1 = clock_type::now();
  lg->flush();
  const auto t2 = clock_type::now();

  lg.reset();
  r.producer_s = seconds(t0, t1);
  r.total_s = seconds(t0, t2);
  check_file(r, path);
  return r;
}
#endif

// The hand-written baseline: the same line fields, formatted by fmt on the
// caller with a freshly formatted timestamp each time, into a 1 MiB stdio
// buffer.
result run_fmt_fwrite(const config& cfg, const bench::temp_dir& dir) {
  result r{"fmt_fwrite", 0, 0, 0, 0, {}};
  const std::string path = dir.file("fmt_fwrite.log");
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    r.note = fmt::format("cannot open {}", path);
    return r;
  }
  std::vector<char> iobuf(1 << 20);
  std::setvbuf(f, iobuf.data(), _IOFBF, iobuf.size());
  const auto tid = static_cast<long>(::syscall(SYS_gettid));
  constexpr std::string_view file = "throughput.cc";
  fmt::memory_buffer buf;
  const int n = static_cast<int>(cfg.records);

  // A careful single-threaded program: the date and time down to the
  // second are formatted once per second, as jot's writer does.
  std::time_t cached_sec = -1;
  char prefix[32] = {};
  const auto t0 = clock_type::now();
  for (int i = 0; i < n; ++i) {
    buf.clear();
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != cached_sec) {
      cached_sec = ts.tv_sec;
      std::tm tm{};
      gmtime_r(&ts.tv_sec, &tm);
      fmt::format_to_n(prefix, sizeof prefix - 1, "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                       tm.tm_sec);
    }
    auto out = fmt::appender(buf);
    out = fmt::format_to(out, "{}.{:09} {:<5} [{}] {}: ", std::string_view(prefix, 19), ts.tv_nsec,
                         "INFO", tid, "bench");
    out = fmt::format_to(out, "request {} took {} ms from {}", i, 3.5 + i, client);
    fmt::format_to(out, " ({}:{})\n", file, __LINE__);
    std::fwrite(buf.data(), 1, buf.size(), f);
  }
  const auto t1 = clock_type::now();
  std::fflush(f);
  const auto t2 = clock_type::now();

  std::fclose(f);
  r.producer_s = seconds(t0, t1);
  r.total_s = seconds(t0, t2);
  check_file(r, path);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  bench::args a(argc, argv);
  if (a.help(usage)) return 0;
  config cfg;
  cfg.records = a.u64("--records", cfg.records);
  cfg.producer_cpu = static_cast<int>(a.u64("--producer-cpu", 0));
  cfg.backend_cpu = static_cast<int>(a.u64("--backend-cpu", 1));
  cfg.only = a.str("--only", "");
  cfg.csv = a.str("--csv", "");
  a.done(usage);
  if (cfg.records == 0 || cfg.records > 0x7fffffffu) {
    fmt::print(stderr, "--records must be between 1 and 2^31-1\n");
    return 2;
  }

  bench::pin_or_warn(cfg.producer_cpu, "the producer thread");
  fmt::print("== throughput: {} records from one thread to a file ==\n", cfg.records);
  fmt::print(
      "producer on CPU {}, back end on CPU {}; end to end = until the records are in "
      "the file (flushed to the OS)\n\n",
      cfg.producer_cpu, cfg.backend_cpu);

  bench::temp_dir dir;
  std::vector<result> results;
  auto step = [&](const char* name, auto fn) {
    if (!bench::selected(cfg.only, name)) return;
    fmt::print("running {} ...\n", name);
    std::fflush(stdout);
    results.push_back(fn(cfg, dir));
  };
  step("jot", run_jot);
#if JOT_BENCH_HAVE_SPDLOG
  step("spdlog_async", run_spdlog_async);
  step("spdlog_sync", run_spdlog_sync);
#else
  fmt::print("(spdlog contenders skipped: built without spdlog)\n");
#endif
  step("fmt_fwrite", run_fmt_fwrite);
  fmt::print("\n");

  bench::table t({"contender", "records/s e2e", "ns/rec e2e", "records/s producer", "e2e s",
                  "MB written", "MB/s e2e"});
  int status = 0;
  const auto n = static_cast<double>(cfg.records);
  for (const auto& r : results) {
    const double e2e = r.total_s > 0 ? n / r.total_s : 0;
    const double prod = r.producer_s > 0 ? n / r.producer_s : 0;
    const double mb = static_cast<double>(r.bytes) / 1e6;
    t.add({r.name, bench::fmt_rate(e2e), fmt::format("{:.0f}", r.total_s * 1e9 / n),
           bench::fmt_rate(prod), fmt::format("{:.3f}", r.total_s), fmt::format("{:.1f}", mb),
           fmt::format("{:.0f}", r.total_s > 0 ? mb / r.total_s : 0)});
    bench::csv_row row;
    row.bench = "throughput";
    row.contender = r.name;
    row.calls = cfg.records;
    row.records_per_s = e2e;
    if (!bench::append_csv(cfg.csv, row)) status = 1;
    row.bench = "throughput_producer";
    row.records_per_s = prod;
    if (!bench::append_csv(cfg.csv, row)) status = 1;
  }
  t.print();
  fmt::print("(MB = 10^6 bytes)\n");

  for (const auto& r : results) {
    if (!r.note.empty()) fmt::print("{}: note: {}\n", r.name, r.note);
    if (r.lines != static_cast<std::int64_t>(cfg.records)) {
      fmt::print(stderr, "\n*** ERROR: {}: the log file has {} lines, expected {} ***\n\n", r.name,
                 r.lines, cfg.records);
      status = 1;
    }
  }
  return status;
}
