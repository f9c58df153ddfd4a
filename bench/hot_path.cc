// Per-call latency of one log call, as the calling thread sees it.
//
// Each call is timed on its own with serialised TSC reads. Calls come in
// bursts (default 20) separated by a busy-wait (default 10 us), so the
// numbers show the cost of a call when the back end keeps up, and the tail
// shows what happens when it does not. The producer is pinned to one CPU
// and the logger's back-end thread (jot's writer, spdlog's thread pool) to
// another. Contenders run one after the other in this process, each writing
// its own file in a temporary directory; each is flushed (untimed) before
// the next starts, and its line count is checked.
//
//     jot_bench_hot_path [--calls N] [--warmup N] [--burst N] [--pause-us N]
//                        [--producer-cpu C] [--backend-cpu C] [--only a,b]
//                        [--show-slow NS] [--no-settle] [--evict-kib N] [--csv FILE]
//
// --show-slow NS lists the measured calls that took NS or more.
// --no-settle starts measuring right after the warm-up instead of first
// waiting until the back end has written it (shows start-up effects).
// --evict-kib N writes every line of an N KiB buffer after each burst, so
// the burst's first call finds what it touches gone from the caller's
// caches (with --burst 1: every call is such a cold call, and what it
// costs shows how many cache lines it touches).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <jot/setup.h>

#if JOT_BENCH_HAVE_SPDLOG
#include <spdlog/async.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#endif

#include "common.h"

namespace {

constexpr std::string_view usage =
    "usage: jot_bench_hot_path [--calls N] [--warmup N] [--burst N] [--pause-us N]\n"
    "                          [--producer-cpu C] [--backend-cpu C] [--only "
    "jot,jot_kv,jot_bound,jot_drop,jot_grow,jot_async_eager,jot_sync,spdlog_async,...]\n"
    "                          [--show-slow NS] [--no-settle] [--evict-kib N] [--csv FILE]\n";

struct config {
  std::uint64_t calls = 100'000;
  std::uint64_t warmup = 2'000;
  std::uint64_t burst = 20;
  std::uint64_t pause_us = 10;
  int producer_cpu = 0;
  int backend_cpu = 1;
  std::uint64_t show_slow_ns = 0;  // 0: off
  std::uint64_t evict_kib = 0;     // 0: off
  bool settle = true;              // wait for the back end between warm-up and measurement
  bool plain_timer = false;        // --timer plain: rdtsc without lfence
  std::string only;
  std::string csv;
};

// The pattern closest to jot's default
// "{timestamp} {level:<5} [{thread_id}] {logger}: {message} ({source})".
[[maybe_unused]] constexpr const char* spdlog_pattern =
    "%Y-%m-%d %H:%M:%S.%F %-5l [%t] %n: %v (%s:%#)";

constexpr std::string_view client = "client-a";

struct result {
  std::string name;
  bench::percentiles lat;
  double offered_per_s = 0;  // calls per second during the measured phase
  std::int64_t lines = 0;
  std::uint64_t expected_lines = 0;
  std::string sample;  // the file's first line
  std::string note;
};

struct samples {
  std::vector<std::uint64_t> deltas;  // ticks per measured call
  std::uint64_t elapsed = 0;          // ticks from the first measured call to the end
};

// Calls `call(i)` warmup + calls times, in bursts of cfg.burst with a
// busy-wait of `pause` ticks after each burst, and returns the tick deltas
// of the measured (post-warm-up) calls. `settle()` runs between the warm-up
// and the measured calls (untimed): it waits until the back end has written
// the warm-up, so every contender starts with a running, empty back end.
template <class Call, class Settle>
samples run_bursts(const config& cfg, std::uint64_t pause, Call&& call, Settle&& settle) {
  samples s;
  std::vector<unsigned char> evict(cfg.evict_kib * 1024, 1);
  s.deltas.assign(cfg.calls, 0);  // pages touched here, not in the loop
  std::vector<std::uint64_t>& deltas = s.deltas;
  const std::uint64_t total = cfg.warmup + cfg.calls;
  std::uint64_t done = 0;
  std::uint64_t start = 0;
  while (done < total) {
    for (std::uint64_t b = 0; b < cfg.burst && done < total; ++b, ++done) {
      if (done == cfg.warmup) {
        if (cfg.settle) settle();
        start = bench::now_ticks();
      }
      const int i = static_cast<int>(done);
      const std::uint64_t t0 = cfg.plain_timer ? bench::plain_ticks() : bench::now_ticks();
      call(i);
      const std::uint64_t t1 = cfg.plain_timer ? bench::plain_ticks() : bench::now_ticks();
      if (done >= cfg.warmup) deltas[done - cfg.warmup] = t1 - t0;
    }
    // Untimed: the next burst's first call then starts cold.
    for (std::size_t k = 0; k < evict.size(); k += 64) evict[k] = static_cast<unsigned char>(k);
    bench::spin_for(pause);
  }
  s.elapsed = bench::now_ticks() - start;
  return s;
}

std::string first_line(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return {};
  char buf[512];
  std::string s;
  if (std::fgets(buf, sizeof buf, f) != nullptr) s = buf;
  std::fclose(f);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

void finish(result& r, const std::string& path, const config& cfg, samples& s,
            const bench::tick_clock& clk) {
  if (cfg.show_slow_ns > 0) {
    // Which calls were slow, and when (before the deltas are sorted).
    std::uint64_t shown = 0;
    for (std::size_t k = 0; k < s.deltas.size(); ++k) {
      if (clk.to_ns(s.deltas[k]) >= static_cast<double>(cfg.show_slow_ns) && shown++ < 20) {
        fmt::print("{}: measured call {} (call {} of the run) took {:.0f} ns\n", r.name, k,
                   k + cfg.warmup, clk.to_ns(s.deltas[k]));
      }
    }
    if (shown > 20) fmt::print("{}: ... {} slow calls in all\n", r.name, shown);
  }
  r.lat = bench::compute_percentiles(s.deltas, clk);
  r.offered_per_s = static_cast<double>(cfg.calls) / (clk.to_ns(s.elapsed) / 1e9);
  r.expected_lines = cfg.warmup + cfg.calls;
  r.lines = bench::count_lines(path);
  r.sample = first_line(path);
}

// variant: "jot" (the plain call), "jot_named" (the same call with named
// placeholders), "jot_kv" (plus two jot::kv fields), "jot_bound" (on a
// logger with two bound fields), or the plain call with backpressure drop
// or grow ("jot_drop", "jot_grow") or delivered eagerly or synchronously
// ("jot_async_eager", "jot_sync").
result run_jot(const config& cfg, const bench::temp_dir& dir, const bench::tick_clock& clk,
               std::uint64_t pause, const char* variant) {
  result r{variant, {}, 0, 0, 0, {}, {}};
  const std::string_view v = variant;
  jot::options o;
  o.writer_cpu = cfg.backend_cpu;
  if (!jot::start(o)) r.note = "jot was already running: writer not pinned by this benchmark";
  const std::string path = dir.file(std::string(v) + ".log");
  jot::file_options fo;
  fo.truncate = true;
  jot::logger& lg = jot::make_logger(std::string(v), {jot::file_sink(path, fo)}, jot::level::info);
  // The same plain call under another backpressure or delivery mode.
  if (v == "jot_drop") lg.set_backpressure(jot::backpressure::drop);
  if (v == "jot_grow") lg.set_backpressure(jot::backpressure::grow);
  if (v == "jot_async_eager") lg.set_delivery(jot::delivery::async_eager);
  if (v == "jot_sync") lg.set_delivery(jot::delivery::sync);
  const jot::bound_logger bound =
      lg.with(jot::kv("request_id", 12345), jot::kv("user", std::string_view("client-b")));
  const auto flush = [] { jot::flush(); };
  // jot::flush() also waits for the writer's start-up (clock calibration).
  samples deltas;
  if (v == "jot_named") {
    deltas = run_bursts(
        cfg, pause,
        [&](int i) { JOT_INFO(lg, "request {id} took {ms} ms from {client}", i, 3.5 + i, client); },
        flush);
  } else if (v == "jot_kv") {
    deltas = run_bursts(
        cfg, pause,
        [&](int i) {
          JOT_INFO(lg, "request {} took {} ms from {}", i, 3.5 + i, client,
                   jot::kv("attempt", i & 7), jot::kv("backoff_ms", 2.5));
        },
        flush);
  } else if (v == "jot_bound") {
    deltas = run_bursts(
        cfg, pause,
        [&](int i) { JOT_INFO(bound, "request {} took {} ms from {}", i, 3.5 + i, client); },
        flush);
  } else {
    deltas = run_bursts(
        cfg, pause,
        [&](int i) { JOT_INFO(lg, "request {} took {} ms from {}", i, 3.5 + i, client); }, flush);
  }
  jot::flush();
  // Stop the writer so it does not share the back-end CPU with the next
  // contender's thread.
  jot::shutdown();
  finish(r, path, cfg, deltas, clk);
  return r;
}

#if JOT_BENCH_HAVE_SPDLOG
result run_spdlog_async(const config& cfg, const bench::temp_dir& dir, const bench::tick_clock& clk,
                        std::uint64_t pause) {
  result r{"spdlog_async", {}, 0, 0, 0, {}, {}};
  std::atomic<bool> pinned{false};
  const int cpu = cfg.backend_cpu;
  spdlog::init_thread_pool(8192, 1, [&pinned, cpu] { pinned = bench::pin_this_thread(cpu); });
  const std::string path = dir.file("spdlog_async.log");
  auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, true);
  auto lg = std::make_shared<spdlog::async_logger>("bench", sink, spdlog::thread_pool(),
                                                   spdlog::async_overflow_policy::block);
  lg->set_pattern(spdlog_pattern, spdlog::pattern_time_type::utc);
  lg->set_level(spdlog::level::info);
  auto deltas = run_bursts(
      cfg, pause,
      [&](int i) { SPDLOG_LOGGER_INFO(lg, "request {} took {} ms from {}", i, 3.5 + i, client); },
      [&] {
        lg->flush();
        while (spdlog::thread_pool()->queue_size() != 0) {
          std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
      });
  // flush() only queues a flush request; destroying the thread pool joins
  // its worker once the queue is drained.
  lg->flush();
  lg.reset();
  sink.reset();
  spdlog::shutdown();
  if (!pinned) r.note = "spdlog's worker thread could not be pinned";
  finish(r, path, cfg, deltas, clk);
  return r;
}

result run_spdlog_sync(const config& cfg, const bench::temp_dir& dir, const bench::tick_clock& clk,
                       std::uint64_t pause) {
  result r{"spdlog_sync", {}, 0, 0, 0, {}, {}};
  const std::string path = dir.file("spdlog_sync.log");
  auto lg = std::make_shared<spdlog::logger>(
      "bench", std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, true));
  lg->set_pattern(spdlog_pattern, spdlog::pattern_time_type::utc);
  lg->set_level(spdlog::level::info);
  auto deltas = run_bursts(
      cfg, pause,
      [&](int i) { SPDLOG_LOGGER_INFO(lg, "request {} took {} ms from {}", i, 3.5 + i, client); },
      [&] { lg->flush(); });
  lg->flush();
  lg.reset();
  finish(r, path, cfg, deltas, clk);
  return r;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  bench::args a(argc, argv);
  if (a.help(usage)) return 0;
  config cfg;
  cfg.calls = a.u64("--calls", cfg.calls);
  cfg.warmup = a.u64("--warmup", cfg.warmup);
  cfg.burst = a.u64("--burst", cfg.burst);
  cfg.pause_us = a.u64("--pause-us", cfg.pause_us);
  cfg.producer_cpu = static_cast<int>(a.u64("--producer-cpu", 0));
  cfg.backend_cpu = static_cast<int>(a.u64("--backend-cpu", 1));
  cfg.show_slow_ns = a.u64("--show-slow", 0);
  cfg.evict_kib = a.u64("--evict-kib", 0);
  cfg.settle = !a.flag("--no-settle");
  cfg.only = a.str("--only", "");
  cfg.csv = a.str("--csv", "");
  const std::string timer_kind = a.str("--timer", "fenced");
  cfg.plain_timer = timer_kind == "plain";
  a.done(usage);
  if (timer_kind != "plain" && timer_kind != "fenced") {
    fmt::print(stderr, "--timer is 'fenced' (lfence around rdtsc, default) or 'plain'\n");
    return 2;
  }
  if (cfg.calls == 0 || cfg.burst == 0 || cfg.warmup + cfg.calls > 0x7fffffffu) {
    fmt::print(stderr, "--calls and --burst must be positive, warmup + calls < 2^31\n");
    return 2;
  }

  bench::pin_or_warn(cfg.producer_cpu, "the producer thread");
  const bench::tick_clock clk(bench::calibrate_ticks_per_ns());
  const std::uint64_t timer = bench::timer_cost_ticks(cfg.plain_timer);
  const std::uint64_t pause = clk.from_ns(static_cast<double>(cfg.pause_us) * 1000.0);

  bench::print_preamble("hot path: latency of one log call on the caller", clk, timer);
  fmt::print("message: \"request {{}} took {{}} ms from {{}}\" (int, double, string_view)\n");
  fmt::print(
      "{} measured calls per contender after {} warm-up calls; bursts of {}, {} us "
      "busy-wait between bursts; producer on CPU {}, back end on CPU {}\n",
      cfg.calls, cfg.warmup, cfg.burst, cfg.pause_us, cfg.producer_cpu, cfg.backend_cpu);
  if (cfg.evict_kib > 0) {
    fmt::print("after each burst {} KiB are written, evicting the caller's caches\n",
               cfg.evict_kib);
  }
  fmt::print("\n");

  bench::temp_dir dir;
  std::vector<result> results;
  for (const char* variant : {"jot", "jot_named", "jot_kv", "jot_bound", "jot_drop", "jot_grow",
                              "jot_async_eager", "jot_sync"}) {
    if (bench::selected(cfg.only, variant))
      results.push_back(run_jot(cfg, dir, clk, pause, variant));
  }
#if JOT_BENCH_HAVE_SPDLOG
  if (bench::selected(cfg.only, "spdlog_async"))
    results.push_back(run_spdlog_async(cfg, dir, clk, pause));
  if (bench::selected(cfg.only, "spdlog_sync"))
    results.push_back(run_spdlog_sync(cfg, dir, clk, pause));
#else
  fmt::print("(spdlog contenders skipped: built without spdlog)\n");
#endif

  bench::table t({"contender", "p50 ns", "p90 ns", "p99 ns", "p99.9 ns", "max ns", "mean ns",
                  "offered calls/s"});
  int status = 0;
  for (const auto& r : results) {
    t.add({r.name, bench::fmt_ns(r.lat.p50), bench::fmt_ns(r.lat.p90), bench::fmt_ns(r.lat.p99),
           bench::fmt_ns(r.lat.p999), bench::fmt_ns(r.lat.max), bench::fmt_ns(r.lat.mean),
           bench::fmt_rate(r.offered_per_s)});
    bench::csv_row row;
    row.bench = cfg.plain_timer ? "hot_path_plain_timer" : "hot_path";
    row.contender = r.name;
    row.calls = cfg.calls;
    row.lat = r.lat;
    row.records_per_s = r.offered_per_s;
    if (!bench::append_csv(cfg.csv, row)) status = 1;
  }
  t.print();
  fmt::print(
      "timer cost {:.1f} ns is included in every figure above. offered calls/s: the call\n"
      "rate of the measured phase; where it nears what a back end sustains (see\n"
      "jot_bench_throughput), its queue fills and the tail shows the caller waiting.\n\n",
      clk.to_ns(timer));

  for (const auto& r : results) {
    fmt::print("{:<13} {}\n", r.name, r.sample);
    if (!r.note.empty()) fmt::print("{:<13} note: {}\n", "", r.note);
    if (r.lines != static_cast<std::int64_t>(r.expected_lines)) {
      fmt::print(
          stderr,
          "\n*** ERROR: {}: the log file has {} lines, expected {} (warm-up + calls) ***\n\n",
          r.name, r.lines, r.expected_lines);
      status = 1;
    }
  }
  return status;
}
