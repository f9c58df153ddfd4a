// Overload: what a caller sees when the writer cannot keep up. One thread
// logs a burst far larger than its ring (by default 1,000,000 records into
// a 64 KiB ring) to a sink that takes a set time per record, in one
// backpressure mode per process (so the peak RSS is the mode's own):
//
//   block  the caller waits for room: nothing lost, the burst takes as long
//          as the sink needs;
//   drop   the caller never waits: what does not fit is counted and lost;
//   grow   the ring doubles (up to --max-ring): nothing lost, no waiting,
//          memory instead.
//
// Printed: per-call latency percentiles on the caller, the burst's time on
// the caller, the time until the sink has everything, records written and
// dropped, the thread's ring growths, largest ring and high-water mark, and
// the process's peak RSS.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <jot/setup.h>

#include "common.h"

namespace {

constexpr std::string_view usage =
    "usage: jot_bench_overload [--mode block|drop|grow] [--records N] [--ring BYTES]\n"
    "                          [--max-ring BYTES] [--sink-ns NS] [--producer-cpu C]\n"
    "                          [--backend-cpu C] [--csv FILE]\n";

// Takes `cost` ticks per record (a slow disk or network), then keeps a
// count; the line itself is dropped.
class slow_sink final : public jot::sink {
 public:
  explicit slow_sink(std::uint64_t cost) : cost_(cost) {}
  void write(const jot::record_view& r, std::string_view) override {
    bench::spin_for(cost_);
    if (r.message.starts_with("request ")) ++requests_;
  }
  void flush() override {}
  // The burst's records that reached the sink (not the warm-up record or
  // the drop warnings).
  std::uint64_t requests() const noexcept { return requests_; }

 private:
  std::uint64_t cost_;
  std::uint64_t requests_ = 0;
};

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  bench::args a(argc, argv);
  if (a.help(usage)) return 0;
  const std::string mode = a.str("--mode", "block");
  const std::uint64_t records = a.u64("--records", 1'000'000);
  const std::uint64_t ring = a.u64("--ring", 64 * 1024);
  const std::uint64_t max_ring = a.u64("--max-ring", std::uint64_t{256} << 20);
  const std::uint64_t sink_ns = a.u64("--sink-ns", 1000);
  const int producer_cpu = static_cast<int>(a.u64("--producer-cpu", 0));
  const int backend_cpu = static_cast<int>(a.u64("--backend-cpu", 1));
  const std::string csv = a.str("--csv", "");
  a.done(usage);
  jot::backpressure bp = jot::backpressure::block;
  if (mode == "drop") {
    bp = jot::backpressure::drop;
  } else if (mode == "grow") {
    bp = jot::backpressure::grow;
  } else if (mode != "block") {
    fmt::print(stderr, "--mode is block, drop or grow\n");
    return 2;
  }

  bench::pin_or_warn(producer_cpu, "the producer thread");
  const bench::tick_clock clk(bench::calibrate_ticks_per_ns());

  jot::options o;
  o.ring_bytes = ring;
  o.ring_max_bytes = max_ring;
  o.on_full = bp;
  o.writer_cpu = backend_cpu;
  o.error_handler = [](std::string_view) {};  // the drop reports are counted below
  jot::start(o);
  auto sink = std::make_shared<slow_sink>(clk.from_ns(static_cast<double>(sink_ns)));
  jot::logger& lg = jot::make_logger("overload", {sink});
  JOT_INFO(lg, "warm-up");
  jot::flush();

  std::vector<std::uint64_t> deltas(records, 0);
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < records; ++i) {
    const std::uint64_t t0 = bench::now_ticks();
    JOT_INFO(lg, "request {} took {} ms from {}", i, 3.5, std::string_view("client-a"));
    deltas[i] = bench::now_ticks() - t0;
  }
  const auto burst_end = std::chrono::steady_clock::now();
  jot::flush();
  const auto done = std::chrono::steady_clock::now();
  const jot::stats_snapshot st = jot::stats();
  jot::shutdown();

  const bench::percentiles p = bench::compute_percentiles(deltas, clk);
  const double burst_s = std::chrono::duration<double>(burst_end - start).count();
  const double total_s = std::chrono::duration<double>(done - start).count();
  const std::uint64_t written = sink->requests();
  std::uint64_t growths = 0;
  std::uint64_t ring_now = 0;
  std::uint64_t high_water = 0;
  for (const jot::thread_stats& t : st.threads) {
    growths += t.ring_growths;
    ring_now = std::max<std::uint64_t>(ring_now, t.ring_bytes);
    high_water = std::max<std::uint64_t>(high_water, t.ring_high_water);
  }

  fmt::print(
      "overload, mode {}: {} records into a {} KiB ring (grow up to {} MiB), sink {} ns per "
      "record\n",
      mode, records, ring >> 10, max_ring >> 20, sink_ns);
  bench::table t({"mode", "p50 ns", "p99 ns", "p99.9 ns", "max ns", "burst s", "all written s",
                  "written", "dropped", "growths", "ring MiB", "high water MiB", "peak RSS MiB"});
  t.add({mode, bench::fmt_ns(p.p50), bench::fmt_ns(p.p99), bench::fmt_ns(p.p999),
         bench::fmt_ns(p.max), fmt::format("{:.3f}", burst_s), fmt::format("{:.3f}", total_s),
         fmt::format("{}", written), fmt::format("{}", st.dropped), fmt::format("{}", growths),
         fmt::format("{:.2f}", static_cast<double>(ring_now) / (1 << 20)),
         fmt::format("{:.1f}", static_cast<double>(high_water) / (1 << 20)),
         fmt::format("{:.1f}", static_cast<double>(peak_rss_kib()) / 1024)});
  t.print();
  const std::uint64_t logged = written + st.dropped;
  if (logged != records) {
    fmt::print(stderr, "error: {} records written + dropped, {} logged\n", logged, records);
    return 1;
  }
  bench::csv_row row;
  row.bench = "overload_" + mode;
  row.contender = "jot";
  row.calls = records;
  row.lat = p;
  row.records_per_s = static_cast<double>(records) / burst_s;
  return bench::append_csv(csv, row) ? 0 : 1;
}
