// Structured logging: fields from named placeholders, jot::kv, a bound
// logger and a thread scope, written as JSON lines, logfmt and text.
//
//     ./jot_example_structured      # writes orders.jsonl and orders.logfmt,
//                                   # and text lines to standard output
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <jot/chrono.h>
#include <jot/ranges.h>
#include <jot/setup.h>

namespace {

struct request {
  std::uint64_t id;
  std::string trace_id;
  std::string span_id;
  std::string user;
};

void handle(const jot::logger& log, const request& r) {
  // Every record of this thread carries the trace while `trace` lives.
  const jot::scope trace(jot::kv("trace_id", r.trace_id), jot::kv("span_id", r.span_id));
  // Every record of req_log carries the request id and the user.
  const jot::bound_logger req_log = log.with(jot::kv("request_id", r.id), jot::kv("user", r.user));

  const std::vector<std::string> items{"tea", "cup"};
  const std::map<std::string, int> stock{{"tea", 12}, {"cup", 0}};
  JOT_INFO(req_log, "order {order_id} paid {amount:.2f}", 17, 9.5, jot::kv("items", items));
  JOT_WARN(req_log, "retrying", jot::kv("attempt", 2),
           jot::kv("backoff", std::chrono::milliseconds(250)), jot::kv("stock", stock));
}

}  // namespace

int main() {
  const jot::logger& log = jot::make_logger(
      "orders", {jot::file_sink("orders.jsonl", {.format = jot::json_formatter()}),
                 jot::file_sink("orders.logfmt", {.format = jot::logfmt_formatter()}),
                 jot::console_sink(jot::console_stream::out)});  // the default pattern
  handle(log, {42, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "ann"});
}
