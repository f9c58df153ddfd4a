// Shared helpers for jot's benchmarks: a TSC timer and its calibration,
// percentiles, CPU pinning, a busy-wait, a small table printer, command-line
// and CSV helpers.
//
// Everything here is for the benchmark programs only; nothing is part of
// jot's API.
#pragma once

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sched.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define JOT_BENCH_HAVE_TSC 1
#else
#define JOT_BENCH_HAVE_TSC 0
#endif

#include <fmt/core.h>

namespace bench {

// ---------------------------------------------------------------------------
// Timing

// Keeps the compiler from moving memory accesses across a time reading.
inline void compiler_barrier() noexcept { std::atomic_signal_fence(std::memory_order_seq_cst); }

// A serialised time-stamp counter read: the lfence before waits for earlier
// instructions to finish, the lfence after keeps later ones from starting
// before the counter is read. On other architectures: CLOCK_MONOTONIC in ns.
inline std::uint64_t now_ticks() noexcept {
#if JOT_BENCH_HAVE_TSC
  compiler_barrier();
  _mm_lfence();
  const std::uint64_t t = __rdtsc();
  _mm_lfence();
  compiler_barrier();
  return t;
#else
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
#endif
}

// An unserialised read with only compiler barriers: the timer of the usual
// logger benchmarks (about 8-11 ns here). The CPU may overlap the timed
// call with the reads, so it under-reports a little; now_ticks() does not.
inline std::uint64_t plain_ticks() noexcept {
#if JOT_BENCH_HAVE_TSC
  compiler_barrier();
  const std::uint64_t t = __rdtsc();
  compiler_barrier();
  return t;
#else
  return now_ticks();
#endif
}

// An unserialised read, for busy-waits where a few cycles do not matter.
inline std::uint64_t raw_ticks() noexcept {
#if JOT_BENCH_HAVE_TSC
  return __rdtsc();
#else
  return now_ticks();
#endif
}

inline void cpu_relax() noexcept {
#if JOT_BENCH_HAVE_TSC
  _mm_pause();
#else
  compiler_barrier();
#endif
}

// Ticks per nanosecond, measured against steady_clock over ~`window`.
inline double calibrate_ticks_per_ns(
    std::chrono::milliseconds window = std::chrono::milliseconds(50)) {
#if JOT_BENCH_HAVE_TSC
  using clock = std::chrono::steady_clock;
  const auto c0 = clock::now();
  const std::uint64_t t0 = now_ticks();
  while (clock::now() - c0 < window) cpu_relax();
  const std::uint64_t t1 = now_ticks();
  const auto c1 = clock::now();
  const double ns =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(c1 - c0).count());
  return static_cast<double>(t1 - t0) / ns;
#else
  (void)window;
  return 1.0;
#endif
}

// Converts tick counts to nanoseconds.
class tick_clock {
 public:
  explicit tick_clock(double ticks_per_ns) : ticks_per_ns_(ticks_per_ns) {}
  double ticks_per_ns() const noexcept { return ticks_per_ns_; }
  double to_ns(std::uint64_t ticks) const noexcept {
    return static_cast<double>(ticks) / ticks_per_ns_;
  }
  std::uint64_t from_ns(double ns) const noexcept {
    return static_cast<std::uint64_t>(ns * ticks_per_ns_);
  }

 private:
  double ticks_per_ns_;
};

// Busy-waits for `ticks` (never sleeps, so the thread keeps its core warm).
inline void spin_for(std::uint64_t ticks) noexcept {
  const std::uint64_t start = raw_ticks();
  while (raw_ticks() - start < ticks) cpu_relax();
}

// The cost of the timer itself: median of back-to-back pairs of reads
// (serialised, or plain with `plain`). Every per-call figure the
// benchmarks print includes this much.
inline std::uint64_t timer_cost_ticks(bool plain = false, std::size_t pairs = 200'000) {
  std::vector<std::uint64_t> d(pairs);
  for (std::size_t i = 0; i < pairs; ++i) {
    const std::uint64_t a = plain ? plain_ticks() : now_ticks();
    const std::uint64_t b = plain ? plain_ticks() : now_ticks();
    d[i] = b - a;
  }
  const auto mid = d.begin() + static_cast<std::ptrdiff_t>(pairs / 2);
  std::nth_element(d.begin(), mid, d.end());
  return *mid;
}

// The timer's step: the median nonzero difference between two back-to-back
// unserialised reads. On most machines this is just the cost of a read; on
// some CPUs and hypervisors the TSC advances in coarser steps (e.g. ~10 ns),
// and every figure is then a multiple of it.
inline std::uint64_t timer_step_ticks(std::size_t reads = 100'000) {
  std::vector<std::uint64_t> d;
  d.reserve(reads);
  std::uint64_t prev = raw_ticks();
  for (std::size_t i = 0; i < reads; ++i) {
    const std::uint64_t t = raw_ticks();
    if (t != prev) d.push_back(t - prev);
    prev = t;
  }
  if (d.empty()) return 1;
  const auto mid = d.begin() + static_cast<std::ptrdiff_t>(d.size() / 2);
  std::nth_element(d.begin(), mid, d.end());
  return *mid;
}

// ---------------------------------------------------------------------------
// Percentiles

struct percentiles {
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;  // nanoseconds
  // The mean resolves below the timer's step, which averages out over many
  // samples; percentiles are multiples of it.
  double mean = 0;
};

// Nearest-rank percentiles of tick deltas, in ns. Sorts `deltas`.
inline percentiles compute_percentiles(std::vector<std::uint64_t>& deltas, const tick_clock& clk) {
  percentiles r;
  if (deltas.empty()) return r;
  double sum = 0;
  for (std::uint64_t d : deltas) sum += static_cast<double>(d);
  r.mean = sum / clk.ticks_per_ns() / static_cast<double>(deltas.size());
  std::sort(deltas.begin(), deltas.end());
  const std::size_t n = deltas.size();
  auto at = [&](double p) {
    // Smallest value with at least p% of the samples at or below it.
    auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(n) + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return clk.to_ns(deltas[rank - 1]);
  };
  r.p50 = at(50);
  r.p90 = at(90);
  r.p99 = at(99);
  r.p999 = at(99.9);
  r.max = clk.to_ns(deltas.back());
  return r;
}

// ---------------------------------------------------------------------------
// Threads

// Pins the calling thread to one CPU. Returns false (and changes nothing)
// if the CPU does not exist or the call is not allowed.
inline bool pin_this_thread(int cpu) noexcept {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<unsigned>(cpu), &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

// Pins, or prints a warning saying the numbers are less meaningful.
inline void pin_or_warn(int cpu, std::string_view who) {
  if (!pin_this_thread(cpu)) {
    fmt::print(stderr, "warning: could not pin {} to CPU {}; results will be noisier\n", who, cpu);
  }
}

// ---------------------------------------------------------------------------
// Output

// A plain-text table: first column left-aligned, the others right-aligned.
class table {
 public:
  explicit table(std::vector<std::string> head) : head_(std::move(head)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  void print(std::FILE* out = stdout) const {
    std::vector<std::size_t> w(head_.size(), 0);
    auto widen = [&](const std::vector<std::string>& r) {
      for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], r[i].size());
    };
    widen(head_);
    for (const auto& r : rows_) widen(r);
    auto line = [&](const std::vector<std::string>& r) {
      std::string s;
      for (std::size_t i = 0; i < w.size(); ++i) {
        const std::string cell = i < r.size() ? r[i] : std::string();
        const std::string pad(w[i] - cell.size(), ' ');
        if (i > 0) s += "  ";
        s += i == 0 ? cell + pad : pad + cell;
      }
      while (!s.empty() && s.back() == ' ') s.pop_back();
      fmt::print(out, "{}\n", s);
    };
    line(head_);
    std::size_t total = 0;
    for (auto x : w) total += x;
    total += 2 * (w.empty() ? 0 : w.size() - 1);
    fmt::print(out, "{}\n", std::string(total, '-'));
    for (const auto& r : rows_) line(r);
    std::fflush(out);
  }

 private:
  std::vector<std::string> head_;
  std::vector<std::vector<std::string>> rows_;
};

// "12.3" below 100, "123" above: latencies read best without false digits.
inline std::string fmt_ns(double ns) {
  return ns < 100 ? fmt::format("{:.1f}", ns) : fmt::format("{:.0f}", ns);
}

// 12345678 -> "12.35 M".
inline std::string fmt_rate(double per_s) {
  if (per_s >= 1e9) return fmt::format("{:.2f} G", per_s / 1e9);
  if (per_s >= 1e6) return fmt::format("{:.2f} M", per_s / 1e6);
  if (per_s >= 1e3) return fmt::format("{:.1f} k", per_s / 1e3);
  return fmt::format("{:.0f}", per_s);
}

// One CSV row (bench,contender,threads,calls,p50_ns,p90_ns,p99_ns,p999_ns,
// max_ns,records_per_s); an empty field is written for a figure the
// benchmark does not measure (negative value). The header is written when
// the file is new or empty.
struct csv_row {
  std::string bench;
  std::string contender;
  unsigned threads = 1;
  std::uint64_t calls = 0;
  percentiles lat{-1, -1, -1, -1, -1, -1};
  double records_per_s = -1;
};

// Opens a CSV file for appending, writing `header` (and a line end) first
// when the file is new or empty. On failure, says so on stderr; the stream
// is then not good.
inline std::ofstream open_csv(const std::string& path, std::string_view header) {
  std::error_code ec;
  const bool fresh =
      !std::filesystem::exists(path, ec) || std::filesystem::file_size(path, ec) == 0;
  std::ofstream out(path, std::ios::app);
  if (!out) {
    fmt::print(stderr, "error: cannot append to {}\n", path);
    return out;
  }
  if (fresh) out << header << '\n';
  return out;
}

inline bool append_csv(const std::string& path, const csv_row& r) {
  if (path.empty()) return true;
  std::ofstream out = open_csv(
      path, "bench,contender,threads,calls,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,records_per_s");
  if (!out) return false;
  auto num = [](double v) { return v < 0 ? std::string() : fmt::format("{:.1f}", v); };
  out << fmt::format("{},{},{},{},{},{},{},{},{},{}\n", r.bench, r.contender, r.threads, r.calls,
                     num(r.lat.p50), num(r.lat.p90), num(r.lat.p99), num(r.lat.p999),
                     num(r.lat.max),
                     r.records_per_s < 0 ? std::string() : fmt::format("{:.0f}", r.records_per_s));
  return static_cast<bool>(out);
}

// ---------------------------------------------------------------------------
// Command line

// A minimal "--name value" parser. Unknown options are an error.
class args {
 public:
  args(int argc, char** argv) : argv_(argv + 1, argv + argc) {}

  // True if --help or -h was given; then `usage` has been printed.
  bool help(std::string_view usage) {
    if (!flag("--help") && !flag("-h")) return false;
    fmt::print("{}", usage);
    return true;
  }

  // True if `name` is present (and removes it).
  bool flag(std::string_view name) {
    for (auto it = argv_.begin(); it != argv_.end(); ++it) {
      if (*it == name) {
        argv_.erase(it);
        return true;
      }
    }
    return false;
  }
  std::string str(std::string_view name, std::string def) {
    for (auto it = argv_.begin(); it != argv_.end(); ++it) {
      if (*it == name) {
        if (it + 1 == argv_.end()) fail(fmt::format("{} needs a value", name));
        std::string v = *(it + 1);
        argv_.erase(it, it + 2);
        return v;
      }
    }
    return def;
  }
  std::uint64_t u64(std::string_view name, std::uint64_t def) {
    const std::string v = str(name, "");
    if (v.empty()) return def;
    // Accept "4000000", "4e6", "4M", "20k".
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    double mult = 1;
    if (end != nullptr && *end != '\0') {
      const std::string_view suffix(end);
      if (suffix == "k" || suffix == "K") {
        mult = 1e3;
      } else if (suffix == "m" || suffix == "M") {
        mult = 1e6;
      } else {
        fail(fmt::format("{}: not a number: {}", name, v));
      }
    }
    if (!(d >= 0)) fail(fmt::format("{}: not a number: {}", name, v));
    return static_cast<std::uint64_t>(d * mult + 0.5);
  }
  // Call after reading every option.
  void done(std::string_view usage) {
    if (!argv_.empty()) {
      fmt::print(stderr, "unknown argument: {}\n{}", argv_.front(), usage);
      std::exit(2);
    }
  }

 private:
  [[noreturn]] static void fail(const std::string& msg) {
    fmt::print(stderr, "{}\n", msg);
    std::exit(2);
  }
  std::vector<std::string> argv_;
};

// True if `name` is in the comma-separated list `only` (or `only` is empty).
inline bool selected(std::string_view only, std::string_view name) {
  if (only.empty()) return true;
  std::size_t pos = 0;
  while (pos <= only.size()) {
    std::size_t comma = only.find(',', pos);
    if (comma == std::string_view::npos) comma = only.size();
    if (only.substr(pos, comma - pos) == name) return true;
    pos = comma + 1;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Files

// A fresh directory under $TMPDIR (or /tmp), removed by the destructor.
class temp_dir {
 public:
  temp_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/jot-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) {
      fmt::print(stderr, "error: mkdtemp({}) failed: {}\n", tmpl, std::strerror(errno));
      std::exit(1);
    }
    path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const noexcept { return path_; }
  std::string file(std::string_view name) const { return fmt::format("{}/{}", path_, name); }

 private:
  std::string path_;
};

// Newlines in a file, or -1 if it cannot be read.
inline std::int64_t count_lines(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return -1;
  std::vector<char> buf(1 << 20);
  std::int64_t n = 0;
  for (;;) {
    const std::size_t got = std::fread(buf.data(), 1, buf.size(), f);
    if (got == 0) break;
    n += std::count(buf.data(), buf.data() + got, '\n');
  }
  std::fclose(f);
  return n;
}

inline std::uint64_t file_bytes(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<std::uint64_t>(n);
}

// A one-line description of the machine and the timer, printed by each
// benchmark before its table.
inline void print_preamble(std::string_view title, const tick_clock& clk,
                           std::uint64_t timer_ticks) {
  fmt::print("== {} ==\n", title);
  fmt::print(
      "cpus: {}   tsc: {:.3f} GHz   timer step: {:.1f} ns   timer cost ("
      "back-to-back pair, median): {:.1f} ns (included in every per-call figure)\n",
      std::thread::hardware_concurrency(), clk.ticks_per_ns(), clk.to_ns(timer_step_ticks()),
      clk.to_ns(timer_ticks));
}

}  // namespace bench
