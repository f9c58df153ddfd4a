// Choosing what happens under load: backpressure, delivery mode and flush
// policy, and reading the counts afterwards.
#include <cstdio>
#include <thread>
#include <vector>

#include <jot/setup.h>

int main() {
  jot::options opts;
  opts.ring_bytes = 64 * 1024;             // each thread starts with a 64 KiB ring
  opts.ring_max_bytes = 16 * 1024 * 1024;  // grow mode stops at 16 MiB...
  opts.at_max = jot::backpressure::drop;   // ...and then drops
  opts.on_full = jot::backpressure::grow;
  jot::start(opts);

  // The audit log must be on disk when a call returns: written on the
  // caller, flushed and synced after every record.
  auto audit_file = jot::file_sink("audit.log");
  jot::flush_policy durable;
  durable.every_records = 1;
  durable.fsync = jot::fsync_policy::every_flush;
  audit_file->set_flush_policy(durable);
  jot::logger& audit = jot::make_logger("audit", {audit_file});
  audit.set_delivery(jot::delivery::sync);

  // Debug chatter may be lost under load, never slow the caller down.
  jot::logger& chatter =
      jot::make_logger("chatter", {jot::file_sink("chatter.log")}, jot::level::debug);
  chatter.set_backpressure(jot::backpressure::drop);

  // Requests: grow (the global choice), flushed at least every 200 ms and
  // at once for errors.
  auto requests_file = jot::file_sink("requests.log");
  jot::flush_policy prompt;
  prompt.every = std::chrono::milliseconds(200);
  prompt.at_level = jot::level::error;
  requests_file->set_flush_policy(prompt);
  jot::logger& requests = jot::make_logger("requests", {requests_file});

  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 100'000; ++i) {
        JOT_INFO(requests, "request {id} served by worker {worker}", i, t);
        JOT_DEBUG(chatter, "cache probe {}", i);
      }
      JOT_INFO(audit, "worker {worker} finished", t);
    });
  }
  for (auto& w : workers) w.join();
  jot::flush();

  const jot::stats_snapshot s = jot::stats();
  std::printf("written %llu, dropped %llu, ring growths %llu, largest fill %llu bytes\n",
              static_cast<unsigned long long>(s.written),
              static_cast<unsigned long long>(s.dropped),
              static_cast<unsigned long long>(s.ring_growths),
              static_cast<unsigned long long>(s.ring_high_water));
}
