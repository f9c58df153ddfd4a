// Rendering rate of each formatter on the writer thread: one realistic
// record (a 40-byte message and three fields: an integer, a double and a
// short string) rendered again and again into a reused buffer, as the
// writer renders into a sink's buffer. No I/O, no queue: this is the part
// of the writer's time per record that the choice of format decides.
//
//     jot_bench_render [--seconds S] [--rounds N] [--cpu C] [--only text,json,logfmt]
//                      [--csv FILE]
//
// Each formatter runs for S seconds in all (default 0.5), split into N
// rounds (default 5) taken in turn, so that a burst of load from elsewhere
// on the machine hits every formatter alike. Prints each formatter's median
// and best round, and the JSON/text ratio as the median of the rounds'
// ratios (each from two runs next to each other in time) and as the ratio
// of the best rounds.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <jot/formatter.h>
#include <jot/record.h>

#include "common.h"

namespace {

constexpr std::string_view usage =
    "usage: jot_bench_render [--seconds S] [--rounds N] [--cpu C] [--only text,json,logfmt]\n"
    "                        [--csv FILE]\n";

using clock_type = std::chrono::steady_clock;

struct result {
  std::string name;
  std::shared_ptr<jot::formatter> f;
  std::vector<double> rates;  // records/s of each round, in order
  std::uint64_t records = 0;
  std::size_t bytes = 0;  // of one rendered record
  std::string sample;

  double median() const { return median_of(rates); }
  double best() const { return rates.empty() ? 0 : *std::max_element(rates.begin(), rates.end()); }
  static double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
  }
};

// What `JOT_INFO(log, "request {id} took {ms:.1f} ms from {client}", ...)`
// decodes to.
struct sample_record {
  jot::value id;
  jot::value ms;
  jot::value client;
  jot::field fields[3];
  jot::record_view view;

  sample_record() {
    id.type = jot::value_type::int64;
    id.int64 = 1234567;
    ms.type = jot::value_type::float64;
    ms.float64 = 3.5;
    client.type = jot::value_type::string;
    client.text = "client-a";
    fields[0] = {"id", &id, jot::field_origin::call};
    fields[1] = {"ms", &ms, jot::field_origin::call};
    fields[2] = {"client", &client, jot::field_origin::call};
    view.time_ns = 1795332366LL * 1'000'000'000 + 123'456'789;
    view.lvl = jot::level::info;
    view.logger_name = "bench";
    view.message = "request 1234567 took 3.5 ms from client-a";
    view.format = "request {id} took {ms:.1f} ms from {client}";
    view.file = "/home/user/src/app/bench/render.cc";
    view.function = "handle_request";
    view.line = 42;
    view.thread_id = 31337;
    view.thread_name = "worker-1";
    view.fields = fields;
  }
};

// One round: renders for `seconds` and adds its rate to r.
void run_round(result& r, double seconds) {
  sample_record rec;
  std::string out;
  out.reserve(4096);
  if (r.sample.empty()) {
    r.f->format(rec.view, out);
    r.bytes = out.size();
    r.sample = out;
  }
  // Warm-up, then batches between clock reads. Each record is 250 ns after
  // the last, so the time cache works as it does on a busy writer.
  for (int i = 0; i < 10'000; ++i) {
    out.clear();
    r.f->format(rec.view, out);
  }
  constexpr std::uint64_t batch = 1024;
  std::uint64_t records = 0;
  const auto t0 = clock_type::now();
  const auto deadline = t0 + std::chrono::duration<double>(seconds);
  auto t1 = t0;
  do {
    for (std::uint64_t i = 0; i < batch; ++i) {
      rec.view.time_ns += 250;
      out.clear();
      r.f->format(rec.view, out);
      bench::compiler_barrier();
    }
    records += batch;
    t1 = clock_type::now();
  } while (t1 < deadline);
  r.records += records;
  r.rates.push_back(static_cast<double>(records) / std::chrono::duration<double>(t1 - t0).count());
}

}  // namespace

int main(int argc, char** argv) {
  bench::args a(argc, argv);
  if (a.help(usage)) return 0;
  const std::string seconds_arg = a.str("--seconds", "0.5");
  const double seconds = std::strtod(seconds_arg.c_str(), nullptr);
  const auto rounds = static_cast<int>(a.u64("--rounds", 5));
  const int cpu = static_cast<int>(a.u64("--cpu", 0));
  const std::string only = a.str("--only", "");
  const std::string csv = a.str("--csv", "");
  a.done(usage);
  if (!(seconds > 0) || rounds < 1) {
    fmt::print(stderr, "--seconds must be positive and --rounds at least 1\n");
    return 2;
  }

  bench::pin_or_warn(cpu, "the rendering thread");
  fmt::print(
      "== render: one record (40-byte message, 3 fields) per call, {:.2f} s per formatter in {} "
      "rounds ==\n",
      seconds, rounds);
  fmt::print("thread on CPU {}; into a reused buffer, no I/O; median round\n\n", cpu);

  std::vector<result> results;
  auto add = [&](const char* name, std::shared_ptr<jot::formatter> f) {
    if (bench::selected(only, name)) results.push_back({name, std::move(f), {}, 0, 0, {}});
  };
  add("text", jot::pattern_formatter(jot::default_pattern));
  add("json", jot::json_formatter());
  add("logfmt", jot::logfmt_formatter());
  for (int round = 0; round < rounds; ++round) {
    for (auto& r : results) run_round(r, seconds / rounds);
  }

  bench::table t({"formatter", "records/s", "ns/record", "best records/s", "bytes/record", "MB/s"});
  int status = 0;
  const result* text = nullptr;
  const result* json = nullptr;
  for (const auto& r : results) {
    const double rate = r.median();
    if (r.name == "text") text = &r;
    if (r.name == "json") json = &r;
    t.add({r.name, bench::fmt_rate(rate), fmt::format("{:.1f}", 1e9 / rate),
           bench::fmt_rate(r.best()), fmt::format("{}", r.bytes),
           fmt::format("{:.0f}", rate * static_cast<double>(r.bytes) / 1e6)});
    bench::csv_row row;
    row.bench = "render";
    row.contender = r.name;
    row.calls = r.records;
    row.records_per_s = rate;
    if (!bench::append_csv(csv, row)) status = 1;
  }
  t.print();
  if (text != nullptr && json != nullptr) {
    std::vector<double> ratios;
    for (std::size_t i = 0; i < text->rates.size(); ++i) {
      ratios.push_back(json->rates[i] / text->rates[i]);
    }
    fmt::print("json / text: {:.2f} (median of rounds), {:.2f} (best rounds)\n",
               result::median_of(ratios), json->best() / text->best());
  }
  fmt::print("\n");
  for (const auto& r : results) fmt::print("{:<7} {}", r.name, r.sample);
  return status;
}
