// jot's per-thread byte ring against Boost.Lockfree's spsc_queue.
//
// The contenders move the same 64-byte messages through 1 MiB of queue:
//   jot_byte_ring      jot::detail::byte_ring: reserve 64 bytes, copy the
//                      message in, set size and kind, commit (which stamps
//                      the TSC, as for every jot record). The reader peeks,
//                      copies the message out, pops, and gives space back
//                      once per batch or every quarter ring, as jot's writer
//                      does.
//   boost_spsc_bytes   spsc_queue<char, capacity<1 MiB>> (1 MiB usable;
//                      Boost adds the one empty slot itself):
//                      push(ptr, 64) / pop(ptr, 64). The byte queue is the
//                      analogue of jot's ring, which carries records of any
//                      length.
//   boost_spsc_msg64   spsc_queue<64-byte struct, capacity<16 Ki>>:
//                      push(msg) / pop(msg). Only possible for fixed-size
//                      messages; shown as a reference.
// For the Boost queues the producer stamps the TSC into the message itself
// (with the same jot::detail::ticks()), so every contender does the same
// work: one 64-byte copy in, one timestamp, one 64-byte copy out, one
// sequence-number check. Every queue's memory is touched once before the
// runs.
//
// (a) latency: each push timed with serialised TSC reads, bursts of 20 with
//     a busy-wait between them; the consumer sleeps 50 us whenever it finds
//     the queue empty.
// (b) throughput: N messages, the consumer spinning (pause) when empty; the
//     time runs from the first push until the consumer has the last message.
//
//     jot_bench_ring [--calls N] [--warmup N] [--burst N] [--pause-us N]
//                    [--msgs N] [--repeat N] [--producer-cpu C]
//                    [--consumer-cpu C] [--only a,b] [--csv FILE]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/lockfree/spsc_queue.hpp>

#include <jot/detail/clock.h>
#include <jot/detail/ring.h>
#include <jot/detail/wire.h>

#include "common.h"

namespace {

constexpr std::string_view usage =
    "usage: jot_bench_ring [--calls N] [--warmup N] [--burst N] [--pause-us N] [--msgs N]\n"
    "                      [--repeat N] [--producer-cpu C] [--consumer-cpu C]\n"
    "                      [--only jot_byte_ring,boost_spsc_bytes,boost_spsc_msg64] [--csv FILE]\n";

constexpr std::size_t msg_bytes = 64;
constexpr std::size_t queue_bytes = std::size_t{1} << 20;
constexpr std::size_t seq_offset = sizeof(jot::detail::record_header);  // 32
constexpr std::size_t ticks_offset = offsetof(jot::detail::record_header, ticks);

// A message: a record header's worth of bytes, a sequence number, filler.
struct alignas(8) message {
  std::byte bytes[msg_bytes];
};
static_assert(sizeof(message) == msg_bytes);

inline void set_seq(message& m, std::uint64_t seq) noexcept {
  std::memcpy(m.bytes + seq_offset, &seq, sizeof seq);
}
inline std::uint64_t get_seq(const message& m) noexcept {
  std::uint64_t seq;
  std::memcpy(&seq, m.bytes + seq_offset, sizeof seq);
  return seq;
}
inline void stamp(message& m) noexcept {
  const std::uint64_t t = jot::detail::ticks();
  std::memcpy(m.bytes + ticks_offset, &t, sizeof t);
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "\n*** ERROR: %s ***\n", what);
  std::exit(1);
}

// ---------------------------------------------------------------------------
// Contenders: try_push(msg) on the producer, try_pop(out) on the consumer.

class jot_ring {
 public:
  static constexpr const char* name = "jot_byte_ring";

  jot_ring() : ring_(queue_bytes), out_(&ring_) {
    if (ring_.capacity() != queue_bytes) die("byte_ring capacity is not 1 MiB");
  }

  bool try_push(message& m) noexcept {
    std::byte* e = out_.try_reserve(msg_bytes);
    if (e == nullptr) return false;
    std::memcpy(e, m.bytes, msg_bytes);
    auto* h = reinterpret_cast<jot::detail::record_header*>(e);
    h->size = static_cast<std::uint32_t>(msg_bytes);
    h->kind = jot::detail::record_kind::record;
    out_.commit(e, msg_bytes);  // stamps the ticks
    return true;
  }

  bool try_pop(message& out) noexcept {
    const jot::detail::record_header* h = ring_.peek();
    if (h == nullptr) {
      ring_.publish();  // end of a batch: give the space back
      return false;
    }
    std::memcpy(out.bytes, h, msg_bytes);
    ring_.pop(h->size);
    if (ring_.unpublished() >= queue_bytes / 4) ring_.publish();
    return true;
  }

 private:
  jot::detail::byte_ring ring_;
  jot::detail::ring_producer out_;  // the producer thread's side
};

class boost_bytes {
 public:
  static constexpr const char* name = "boost_spsc_bytes";

  // All pushes and pops move 64 bytes and the usable capacity is a multiple
  // of 64, so a push or pop moves 64 bytes or none.
  bool try_push(message& m) noexcept {
    stamp(m);
    const std::size_t n = q_->push(reinterpret_cast<const char*>(m.bytes), msg_bytes);
    if (n == msg_bytes) return true;
    if (n != 0) die("boost_spsc_bytes: partial push");
    return false;
  }

  bool try_pop(message& out) noexcept {
    const std::size_t n = q_->pop(reinterpret_cast<char*>(out.bytes), msg_bytes);
    if (n == msg_bytes) return true;
    if (n != 0) die("boost_spsc_bytes: partial pop");
    return false;
  }

 private:
  using queue = boost::lockfree::spsc_queue<char, boost::lockfree::capacity<queue_bytes>>;
  std::unique_ptr<queue> q_ = std::make_unique<queue>();
};

class boost_msg64 {
 public:
  static constexpr const char* name = "boost_spsc_msg64";

  bool try_push(message& m) noexcept {
    stamp(m);
    return q_->push(m);
  }
  bool try_pop(message& out) noexcept { return q_->pop(out); }

 private:
  using queue =
      boost::lockfree::spsc_queue<message, boost::lockfree::capacity<queue_bytes / msg_bytes>>;
  std::unique_ptr<queue> q_ = std::make_unique<queue>();
};

// Fills the queue until it refuses, then drains it: every page of its
// memory is touched before any measurement.
template <class Q>
void prefault(Q& q) {
  message m{};
  std::uint64_t pushed = 0;
  while (q.try_push(m)) ++pushed;
  message out{};
  while (q.try_pop(out)) --pushed;
  if (pushed != 0) die("prefault: pushed and popped counts differ");
}

// ---------------------------------------------------------------------------

struct config {
  std::uint64_t calls = 1'000'000;
  std::uint64_t warmup = 10'000;
  std::uint64_t burst = 20;
  std::uint64_t pause_us = 10;
  std::uint64_t msgs = 20'000'000;
  std::uint64_t repeat = 3;
  int producer_cpu = 0;
  int consumer_cpu = 1;
  std::string only;
  std::string csv;
};

enum class backoff { sleep_50us, spin };

// Consumes exactly `total` messages, checking their sequence numbers.
// Returns the time at which the last one arrived.
template <class Q>
std::chrono::steady_clock::time_point consume(Q& q, std::uint64_t total, backoff mode,
                                              std::uint64_t& bad) {
  message out{};
  std::uint64_t expect = 0;
  while (expect < total) {
    if (q.try_pop(out)) {
      if (get_seq(out) != expect) ++bad;
      ++expect;
    } else if (mode == backoff::sleep_50us) {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    } else {
      bench::cpu_relax();
    }
  }
  const auto end = std::chrono::steady_clock::now();
  message extra{};
  if (q.try_pop(extra)) ++bad;  // nothing may follow the last message
  return end;
}

template <class Q>
inline void push_blocking(Q& q, message& m) noexcept {
  while (!q.try_push(m)) bench::cpu_relax();
}

struct latency_result {
  std::string name;
  bench::percentiles lat;
};

template <class Q>
latency_result run_latency(const config& cfg, const bench::tick_clock& clk, std::uint64_t pause) {
  auto q = std::make_unique<Q>();
  prefault(*q);
  const std::uint64_t total = cfg.warmup + cfg.calls;
  std::vector<std::uint64_t> deltas(cfg.calls, 0);
  std::uint64_t bad = 0;
  std::atomic<bool> ready{false};
  std::thread consumer([&] {
    bench::pin_or_warn(cfg.consumer_cpu, "the consumer thread");
    ready.store(true, std::memory_order_release);
    consume(*q, total, backoff::sleep_50us, bad);
  });
  while (!ready.load(std::memory_order_acquire)) bench::cpu_relax();

  message m{};
  std::uint64_t done = 0;
  while (done < total) {
    for (std::uint64_t b = 0; b < cfg.burst && done < total; ++b, ++done) {
      set_seq(m, done);
      const std::uint64_t t0 = bench::now_ticks();
      push_blocking(*q, m);
      const std::uint64_t t1 = bench::now_ticks();
      if (done >= cfg.warmup) deltas[done - cfg.warmup] = t1 - t0;
    }
    bench::spin_for(pause);
  }
  consumer.join();
  if (bad != 0) {
    std::fprintf(stderr, "\n*** ERROR: %s: %llu messages out of sequence ***\n", Q::name,
                 static_cast<unsigned long long>(bad));
    std::exit(1);
  }
  return {Q::name, bench::compute_percentiles(deltas, clk)};
}

struct throughput_result {
  std::string name;
  std::vector<double> rates;  // messages per second, one per repetition
};

template <class Q>
throughput_result run_throughput(const config& cfg) {
  auto q = std::make_unique<Q>();
  prefault(*q);
  throughput_result r{Q::name, {}};
  for (std::uint64_t rep = 0; rep < cfg.repeat; ++rep) {
    std::uint64_t bad = 0;
    std::atomic<int> state{0};  // 1: consumer ready, 2: go
    std::chrono::steady_clock::time_point end;
    std::thread consumer([&] {
      bench::pin_or_warn(cfg.consumer_cpu, "the consumer thread");
      state.store(1, std::memory_order_release);
      while (state.load(std::memory_order_acquire) != 2) bench::cpu_relax();
      end = consume(*q, cfg.msgs, backoff::spin, bad);
    });
    while (state.load(std::memory_order_acquire) != 1) bench::cpu_relax();

    message m{};
    const auto start = std::chrono::steady_clock::now();
    state.store(2, std::memory_order_release);
    for (std::uint64_t i = 0; i < cfg.msgs; ++i) {
      set_seq(m, i);
      push_blocking(*q, m);
    }
    consumer.join();
    if (bad != 0) {
      std::fprintf(stderr, "\n*** ERROR: %s: %llu messages out of sequence ***\n", Q::name,
                   static_cast<unsigned long long>(bad));
      std::exit(1);
    }
    const double s = std::chrono::duration<double>(end - start).count();
    r.rates.push_back(static_cast<double>(cfg.msgs) / s);
  }
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? 0 : (n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

}  // namespace

int main(int argc, char** argv) {
  bench::args a(argc, argv);
  if (a.help(usage)) return 0;
  config cfg;
  cfg.calls = a.u64("--calls", cfg.calls);
  cfg.warmup = a.u64("--warmup", cfg.warmup);
  cfg.burst = a.u64("--burst", cfg.burst);
  cfg.pause_us = a.u64("--pause-us", cfg.pause_us);
  cfg.msgs = a.u64("--msgs", cfg.msgs);
  cfg.repeat = a.u64("--repeat", cfg.repeat);
  cfg.producer_cpu = static_cast<int>(a.u64("--producer-cpu", 0));
  cfg.consumer_cpu = static_cast<int>(a.u64("--consumer-cpu", 1));
  cfg.only = a.str("--only", "");
  cfg.csv = a.str("--csv", "");
  a.done(usage);
  if (cfg.calls == 0 || cfg.burst == 0 || cfg.msgs == 0 || cfg.repeat == 0) {
    fmt::print(stderr, "--calls, --burst, --msgs and --repeat must be positive\n");
    return 2;
  }

  bench::pin_or_warn(cfg.producer_cpu, "the producer thread");
  const bench::tick_clock clk(bench::calibrate_ticks_per_ns());
  const std::uint64_t timer = bench::timer_cost_ticks();
  const std::uint64_t pause = clk.from_ns(static_cast<double>(cfg.pause_us) * 1000.0);
  (void)jot::detail::ticks();  // let jot choose its tick source before any timing

  bench::print_preamble("ring: jot::detail::byte_ring vs boost::lockfree::spsc_queue", clk, timer);
  fmt::print("64-byte messages, 1 MiB of queue; producer on CPU {}, consumer on CPU {}\n\n",
             cfg.producer_cpu, cfg.consumer_cpu);

  int status = 0;
  auto csv = [&](bench::csv_row row) {
    if (!bench::append_csv(cfg.csv, row)) status = 1;
  };

  // (a) latency
  fmt::print(
      "(a) latency of one push: {} pushes after {} warm-up, bursts of {}, {} us "
      "busy-wait between bursts, consumer sleeps 50 us when empty\n",
      cfg.calls, cfg.warmup, cfg.burst, cfg.pause_us);
  std::vector<latency_result> lat;
  if (bench::selected(cfg.only, jot_ring::name))
    lat.push_back(run_latency<jot_ring>(cfg, clk, pause));
  if (bench::selected(cfg.only, boost_bytes::name))
    lat.push_back(run_latency<boost_bytes>(cfg, clk, pause));
  if (bench::selected(cfg.only, boost_msg64::name))
    lat.push_back(run_latency<boost_msg64>(cfg, clk, pause));
  bench::table lt({"contender", "p50 ns", "p90 ns", "p99 ns", "p99.9 ns", "max ns", "mean ns"});
  for (const auto& r : lat) {
    lt.add({r.name, bench::fmt_ns(r.lat.p50), bench::fmt_ns(r.lat.p90), bench::fmt_ns(r.lat.p99),
            bench::fmt_ns(r.lat.p999), bench::fmt_ns(r.lat.max), bench::fmt_ns(r.lat.mean)});
    bench::csv_row row;
    row.bench = "ring_latency";
    row.contender = r.name;
    row.calls = cfg.calls;
    row.lat = r.lat;
    csv(row);
  }
  lt.print();
  fmt::print("timer cost {:.1f} ns is included in every figure above\n\n", clk.to_ns(timer));

  // (b) throughput
  fmt::print("(b) throughput: {} messages, consumer spinning, median of {} runs\n", cfg.msgs,
             cfg.repeat);
  std::vector<throughput_result> thr;
  if (bench::selected(cfg.only, jot_ring::name)) thr.push_back(run_throughput<jot_ring>(cfg));
  if (bench::selected(cfg.only, boost_bytes::name)) thr.push_back(run_throughput<boost_bytes>(cfg));
  if (bench::selected(cfg.only, boost_msg64::name)) thr.push_back(run_throughput<boost_msg64>(cfg));
  bench::table tt({"contender", "msgs/s", "ns/msg", "GB/s", "min msgs/s", "max msgs/s"});
  for (const auto& r : thr) {
    const double med = median(r.rates);
    const auto [lo, hi] = std::minmax_element(r.rates.begin(), r.rates.end());
    tt.add({r.name, bench::fmt_rate(med), fmt::format("{:.2f}", 1e9 / med),
            fmt::format("{:.2f}", med * static_cast<double>(msg_bytes) / 1e9), bench::fmt_rate(*lo),
            bench::fmt_rate(*hi)});
    bench::csv_row row;
    row.bench = "ring_throughput";
    row.contender = r.name;
    row.calls = cfg.msgs;
    row.records_per_s = med;
    csv(row);
  }
  tt.print();
  return status;
}
