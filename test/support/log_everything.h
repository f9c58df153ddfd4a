// One call of each kind jot encodes: every type, fields from every source,
// user types, hostile bytes. Used by the golden-output and delivery-mode
// tests.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <jot/chrono.h>
#include <jot/ranges.h>
#include <jot/setup.h>
#include <jot/std.h>

#include "support/user_types.h"

namespace jot::test {

enum class state : std::uint8_t { off = 0, on = 1 };

// Every call the golden files show.
inline void log_everything(const jot::logger& log) {
  using namespace std::chrono;
  const jot::bound_logger req =
      log.with(jot::kv("request_id", "r-1"), jot::kv("attempt", std::uint8_t{2}));
  JOT_INFO(log, "order {id} paid {amount:.2f}", 17, 9.5);
  JOT_INFO(log, "plain {} {:>5}|", 1, "x");
  JOT_INFO(log, "ints {i8} {u8} {i16} {u16} {i32} {u32} {i64} {u64}", std::int8_t{-8},
           std::uint8_t{8}, std::int16_t{-16}, std::uint16_t{16},
           std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::uint32_t>::max(),
           std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::uint64_t>::max());
  JOT_INFO(log, "floats {f} {d} {ld} {nan} {inf}", 0.1f, 2.5, 1.25L,
           std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity());
  const char* null_str = nullptr;
  JOT_INFO(log, "text {b} {ch} {cs} {s} {null} {e}", true, 'q', "literal", std::string("std"),
           null_str, state::on);
  static constexpr char hostile[] = "quote\" back\\ nl\n tab\t nul\0 bell\a end";
  JOT_INFO(log, "hostile {v}", std::string(hostile, sizeof hostile - 1));
  JOT_INFO(log, "bad utf-8 {v}", std::string("\xc3\x28 \xff ok \xe2\x82\xac"));
  JOT_INFO(log, "chrono {ms} {s} {dbl} {at}", milliseconds(250), seconds(3), duration<double>(1.5),
           system_clock::time_point(seconds(1'700'000'000) + nanoseconds(5)));
  JOT_INFO(log, "optional {some} {none}", std::optional<int>(5), std::optional<int>());
  JOT_INFO(log, "containers {v} {a} {l} {set}", std::vector<int>{1, 2, 3},
           std::array<double, 2>{0.5, 1.5}, std::list<std::string>{"x", "y z"},
           std::set<int>{3, 1});
  JOT_INFO(log, "maps {m} {mi}", std::map<std::string, int>{{"a", 1}, {"b", 2}},
           std::map<int, std::string>{{1, "one"}, {-2, "minus two"}});
  JOT_INFO(log, "tuples {p} {t}", std::pair<int, std::string>{1, "one"},
           std::tuple<int, bool, double>{1, true, 2.5});
  JOT_INFO(log, "nested {n} {mv}", std::vector<std::vector<int>>{{1}, {}, {2, 3}},
           std::map<std::string, std::vector<int>>{{"k", {4, 5}}});
  JOT_INFO(log, "user {price} {item:>6}", money{950}, label{"tea"});
  JOT_WARN(log, "retrying", jot::kv("attempt", 3), jot::kv("backoff", milliseconds(250)),
           jot::kv("key with space=\"x\"", "v"), jot::kv("who", label{"ann"}));
  JOT_INFO(req, "bound {path}", "/orders");
  {
    const jot::scope s(jot::kv("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"),
                       jot::kv("span_id", "00f067aa0ba902b7"));
    JOT_ERROR(req, "in scope", jot::kv("status", 503));
  }
  JOT_INFO(log, "{message} collides", "forged", jot::kv("level", "forged too"));
}

}  // namespace jot::test
