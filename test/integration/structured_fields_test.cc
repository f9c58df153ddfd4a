// Fields reach formatters typed and in order: named placeholders, jot::kv,
// bound loggers and scopes, with every type jot encodes.
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <limits>
#include <list>
#include <map>
#include <memory_resource>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fmt/std.h>
#include <gtest/gtest.h>

#include "support/test_support.h"
#include "support/user_types.h"

namespace {

using jot::test::label;
using jot::test::money;

// Writes each value as type letter and content:
// n null, b bool, i int64, u uint64, f float64, s string, S converted
// string, d duration (ns), t time (ns), [..] array, {k:v,..} object.
void describe(std::string& out, const jot::value& v) {
  switch (v.type) {
    case jot::value_type::null:
      out += "n";
      return;
    case jot::value_type::boolean:
      out += v.boolean ? "b:true" : "b:false";
      return;
    case jot::value_type::int64:
      out += fmt::format("i:{}", v.int64);
      return;
    case jot::value_type::uint64:
      out += fmt::format("u:{}", v.uint64);
      return;
    case jot::value_type::float64:
      out += fmt::format("f:{}", v.float64);
      return;
    case jot::value_type::string:
      out += v.converted ? "S:" : "s:";
      out += v.text;
      return;
    case jot::value_type::duration:
      out += fmt::format("d:{}/{}", v.int64, v.text);
      return;
    case jot::value_type::time:
      out += fmt::format("t:{}", v.int64);
      return;
    case jot::value_type::array:
    case jot::value_type::object: {
      const bool obj = v.type == jot::value_type::object;
      out += obj ? "{" : "[";
      const jot::value* e = v.first_child();
      for (std::uint32_t i = 0; i < v.count; ++i) {
        if (i != 0) out += ",";
        describe(out, *e);
        e = e->next();
        if (obj) {
          out += ":";
          describe(out, *e);
          e = e->next();
        }
      }
      out += obj ? "}" : "]";
      return;
    }
  }
}

// "message | origin.key=value ..." per record.
class field_formatter final : public jot::formatter {
 public:
  void format(const jot::record_view& r, std::string& out) override {
    out += r.message;
    out += " |";
    for (const jot::field& f : r.fields) {
      out += ' ';
      out += f.origin == jot::field_origin::bound   ? "b."
             : f.origin == jot::field_origin::scope ? "s."
                                                    : "c.";
      out += f.key;
      out += '=';
      describe(out, *f.val);
    }
    out += '\n';
  }
};

struct fields_test : ::testing::Test {
  std::shared_ptr<jot::test::capture_sink> sink =
      std::make_shared<jot::test::capture_sink>(std::make_shared<field_formatter>());
  jot::logger& log = jot::make_logger(
      ::testing::UnitTest::GetInstance()->current_test_info()->name(), {sink}, jot::level::trace);

  std::vector<std::string> lines() {
    jot::flush();
    std::vector<std::string> out = sink->lines();
    for (std::string& l : out) {
      if (!l.empty() && l.back() == '\n') l.pop_back();
    }
    return out;
  }
};

TEST_F(fields_test, named_placeholders_are_typed_fields) {
  const int id = 17;
  const double amount = 9.5;
  JOT_INFO(log, "order {id} paid {amount:.2f}", id, amount);
  JOT_INFO(log, "plain {} and {:>4}", 1, "x");
  JOT_INFO(log, "{who} met {who} at {}", "ann", 3);
  EXPECT_EQ(lines(), (std::vector<std::string>{
                         "order 17 paid 9.50 | c.id=i:17 c.amount=f:9.5",
                         "plain 1 and    x |",
                         "ann met ann at 3 | c.who=s:ann",
                     }));
}

TEST_F(fields_test, kv_fields_follow_the_named_ones) {
  const int n = 3;
  JOT_WARN(log, "retrying {op}", "fetch", jot::kv("attempt", n), jot::kv("backoff_ms", 250u));
  JOT_WARN(log, "no message fields", jot::kv("a", true), jot::kv("", -1));
  EXPECT_EQ(lines(), (std::vector<std::string>{
                         "retrying fetch | c.op=s:fetch c.attempt=i:3 c.backoff_ms=u:250",
                         "no message fields | c.a=b:true c.=i:-1",
                     }));
}

TEST_F(fields_test, bound_fields_are_on_every_record_and_chain) {
  const std::string user = "ann";
  const jot::bound_logger req = log.with(jot::kv("request_id", 42), jot::kv("user", user));
  JOT_INFO(req, "accepted {path}", "/x");
  const jot::bound_logger deeper = req.with(jot::kv("step", 2));
  JOT_INFO(deeper, "deeper");
  JOT_INFO(log, "the base logger is unchanged");
  JOT_INFO(log.with(jot::kv("inline", std::string(40, 'x'))), "a temporary bound logger");
  EXPECT_EQ(req.name(), log.name());
  EXPECT_EQ(lines(), (std::vector<std::string>{
                         "accepted /x | b.request_id=i:42 b.user=s:ann c.path=s:/x",
                         "deeper | b.request_id=i:42 b.user=s:ann b.step=i:2",
                         "the base logger is unchanged |",
                         "a temporary bound logger | b.inline=s:" + std::string(40, 'x'),
                     }));
}

TEST_F(fields_test, a_bound_logger_outlives_its_source_values_and_crosses_threads) {
  std::optional<jot::bound_logger> req;
  {
    std::string id = "req-1";
    req.emplace(log.with(jot::kv("id", id)));
    id.assign("overwritten");  // encoded when bound: later changes do not show
  }
  std::thread t([&] { JOT_INFO(*req, "from another thread"); });
  t.join();
  const jot::bound_logger copy = *req;
  req.reset();
  JOT_INFO(copy, "from a copy");
  EXPECT_EQ(lines(), (std::vector<std::string>{
                         "from another thread | b.id=s:req-1",
                         "from a copy | b.id=s:req-1",
                     }));
}

TEST_F(fields_test, scopes_nest_and_end) {
  const jot::bound_logger req = log.with(jot::kv("request_id", 7));
  {
    const jot::scope outer(jot::kv("trace_id", "4bf92f35"), jot::kv("span_id", "00f067aa"));
    JOT_INFO(req, "outer {n}", 1);
    {
      const jot::scope inner(jot::kv("step", 2u));
      JOT_INFO(log, "inner");
    }
    JOT_INFO(log, "outer again");
    // Another thread does not see this thread's scope.
    std::thread t([&] { JOT_INFO(log, "other thread"); });
    t.join();
  }
  JOT_INFO(log, "after");
  EXPECT_EQ(lines(),
            (std::vector<std::string>{
                "outer 1 | b.request_id=i:7 s.trace_id=s:4bf92f35 s.span_id=s:00f067aa c.n=i:1",
                "inner | s.trace_id=s:4bf92f35 s.span_id=s:00f067aa s.step=u:2",
                "outer again | s.trace_id=s:4bf92f35 s.span_id=s:00f067aa",
                "other thread |",
                "after |",
            }));
}

enum class color : std::uint8_t { red = 1, blue = 200 };

TEST_F(fields_test, scalars_keep_their_types) {
  const char* null_str = nullptr;
  const void* p = reinterpret_cast<const void*>(std::uintptr_t{0x1234});
  JOT_INFO(log, "{a} {b} {c} {d} {e} {f}", std::numeric_limits<std::int64_t>::min(),
           std::numeric_limits<std::uint64_t>::max(), static_cast<short>(-3),
           static_cast<unsigned char>(255), color::blue, true);
  JOT_INFO(log, "{f} {d} {ld} {ch} {cs} {null} {p}", 0.1f, 2.5, 1.25L, 'x', "lit", null_str, p);
  EXPECT_EQ(lines(),
            (std::vector<std::string>{
                "-9223372036854775808 18446744073709551615 -3 255 200 true | "
                "c.a=i:-9223372036854775808 c.b=u:18446744073709551615 c.c=i:-3 c.d=u:255 "
                "c.e=u:200 c.f=b:true",
                "0.1 2.5 1.25 x lit (null) 0x1234 | c.f=f:0.1 c.d=f:2.5 c.ld=f:1.25 c.ch=S:x "
                "c.cs=s:lit c.null=s:(null) c.p=S:0x1234",
            }));
}

TEST_F(fields_test, chrono_values) {
  using namespace std::chrono;
  const auto tp = system_clock::time_point(seconds(1'700'000'000) + nanoseconds(5));
  const auto tp_s = time_point_cast<seconds>(tp);
  JOT_INFO(log, "{a} {b} {c} {d}", milliseconds(250), seconds(3), duration<double>(1.5),
           duration<int, std::ratio<1, 30>>(3));
  JOT_INFO(log, "{t} {ts}", tp, tp_s);
  const std::vector<std::string> got = lines();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], fmt::format("{} {} {} {} | c.a=d:250000000/250ms c.b=d:3000000000/3s "
                                "c.c=d:1500000000/1.5s c.d=d:100000000/1e+08ns",
                                milliseconds(250), seconds(3), duration<double>(1.5),
                                duration<double, std::nano>(duration<int, std::ratio<1, 30>>(3))));
  EXPECT_EQ(got[1],
            fmt::format("{} {} | c.t=t:1700000000000000005 c.ts=t:1700000000000000000", tp, tp_s));
}

TEST_F(fields_test, optionals_and_containers) {
  const std::optional<int> some = 5;
  const std::optional<int> none;
  const std::vector<int> v{1, 2, 3};
  const std::array<double, 2> a{0.5, 1.5};
  const std::list<std::string> l{"x", "y"};
  const std::deque<bool> dq{true, false};
  const std::set<int> s{3, 1};
  const std::map<std::string, int> m{{"a", 1}, {"b", 2}};
  const std::map<int, std::string> mi{{1, "one"}};
  const std::pair<int, std::string> pr{1, "one"};
  const std::tuple<int, bool, double> tu{1, true, 2.5};
  const std::vector<std::vector<int>> nested{{1}, {}, {2, 3}};
  const std::map<std::string, std::vector<int>> mv{{"k", {4, 5}}};
  const std::optional<std::vector<int>> ov = std::vector<int>{9};
  JOT_INFO(log, "{some} {none}", some, none);
  JOT_INFO(log, "{v} {a} {l} {dq}", v, a, l, dq);
  JOT_INFO(log, "{s} {m} {mi}", s, m, mi);
  JOT_INFO(log, "{pr} {tu}", pr, tu);
  JOT_INFO(log, "{nested} {mv} {ov}", nested, mv, ov);
  const std::vector<std::string> got = lines();
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0], "5 none | c.some=i:5 c.none=n");
  EXPECT_EQ(got[1], fmt::format("{} {} {} {} | c.v=[i:1,i:2,i:3] c.a=[f:0.5,f:1.5] "
                                "c.l=[s:x,s:y] c.dq=[b:true,b:false]",
                                v, a, l, dq));
  EXPECT_EQ(
      got[2],
      fmt::format("{} {} {} | c.s=[i:1,i:3] c.m={{s:a:i:1,s:b:i:2}} c.mi={{i:1:s:one}}", s, m, mi));
  EXPECT_EQ(got[3], fmt::format("{} {} | c.pr=[i:1,s:one] c.tu=[i:1,b:true,f:2.5]", pr, tu));
  EXPECT_EQ(got[4], fmt::format("{} {} {} | c.nested=[[i:1],[],[i:2,i:3]] c.mv={{s:k:[i:4,i:5]}} "
                                "c.ov=[i:9]",
                                nested, mv, *ov));
}

TEST_F(fields_test, nested_containers_print_as_fmt_prints_them) {
  const std::vector<std::pair<int, int>> vp{{1, 2}};
  const std::vector<std::set<int>> vs{{1, 2}};
  const std::map<std::string, std::set<int>> ms{{"a", {1}}};
  const std::tuple<std::vector<int>, std::tuple<int, int>> tt{{1}, {2, 3}};
  const std::map<std::pair<int, int>, int> mp{{{1, 2}, 3}};
  const std::vector<char> vc{'x', '\n', '\''};
  const std::pair<std::string, char> pc{"s", 'c'};
  JOT_INFO(log, "{} {} {} {} {} {} {}", vp, vs, ms, tt, mp, vc, pc);
  EXPECT_EQ(lines(), std::vector<std::string>{
                         fmt::format("{} {} {} {} {} {} {} |", vp, vs, ms, tt, mp, vc, pc)});
}

}  // namespace

namespace {

TEST_F(fields_test, user_types_on_the_caller_or_deferred) {
  JOT_INFO(log, "{price} for {item:>6}", money{950}, label{"tea"});
  JOT_INFO(log, "kv", jot::kv("price", money{5}), jot::kv("item", label{"cup"}));
  const jot::bound_logger b = log.with(jot::kv("price", money{100}), jot::kv("item", label{"pot"}));
  JOT_INFO(b, "bound");
  // More arguments than placeholders: fmt allows it; the extra user types
  // are formatted without a spec and are in no field.
  JOT_INFO(log, "only {}", 1, label{"extra"}, label{"more"});
  EXPECT_EQ(lines(), (std::vector<std::string>{
                         "$9.50 for    tea | c.price=S:$9.50 c.item=S:   tea",
                         "kv | c.price=S:$0.05 c.item=S:cup",
                         "bound | b.price=S:$1.00 b.item=S:pot",
                         "only 1 |",
                     }));
}

struct ipv4 : std::array<std::uint8_t, 4> {};

}  // namespace

template <>
struct fmt::formatter<ipv4> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const ipv4& a, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "{}.{}.{}.{}", a[0], a[1], a[2], a[3]);
  }
};

namespace {

TEST_F(fields_test, types_that_only_look_like_containers_keep_their_formatter) {
  const std::filesystem::path p("a/b");
  const std::pmr::string ps = "hello";
  const ipv4 ip{{192, 168, 0, 1}};
  JOT_INFO(log, "{p} {ps} {ip}", p, ps, ip);
  EXPECT_EQ(lines(), std::vector<std::string>{fmt::format("{} hello 192.168.0.1 | c.p=S:{} "
                                                          "c.ps=s:hello c.ip=S:192.168.0.1",
                                                          p, p)});
}

TEST_F(fields_test, durations_of_every_period_print_as_fmt_prints_them) {
  using namespace std::chrono;
  const duration<std::uint64_t> big(~std::uint64_t{0});
  const duration<int, std::centi> cs(5);
  const duration<long long, std::pico> ps(5);
  const duration<int, std::kilo> ks(2);
  JOT_INFO(log, "{} {} {} {}", big, cs, ps, ks);
  EXPECT_EQ(lines(), std::vector<std::string>{fmt::format("{} {} {} {} |", big, cs, ps, ks)});
}

TEST_F(fields_test, user_types_with_a_width_from_another_argument) {
  JOT_INFO(log, "[{:>{}}] [{:<{}}]", label{"bob"}, 8, label{"x"}, 3);
  EXPECT_EQ(lines(), std::vector<std::string>{"[     bob] [x  ] |"});
}

const jot::bound_logger make_bound(const jot::logger& l) {
  return l.with(jot::kv("req", std::string(100, 'r')));
}

TEST_F(fields_test, a_const_temporary_bound_logger_lives_for_the_call) {
  JOT_INFO(make_bound(log), "hello {}", 1);
  EXPECT_EQ(lines(), std::vector<std::string>{"hello 1 | b.req=s:" + std::string(100, 'r')});
}

TEST_F(fields_test, a_spec_only_the_writer_can_check_costs_the_message_not_the_fields) {
  JOT_INFO(log, "ids {v:.2f}", std::vector<int>{1, 2});
  const std::vector<std::string> got = lines();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].rfind("ids {v:.2f} [jot: format error: ", 0), 0u) << got[0];
  EXPECT_NE(got[0].find("| c.v=[i:1,i:2]"), std::string::npos) << got[0];
}

TEST_F(fields_test, values_keep_every_byte_and_keys_are_cut_at_65535) {
  const std::string hostile("a\0b\n\"\\\xff\xc3\x28", 9);
  JOT_INFO(log, "{v}", hostile);
  const std::string long_key(70'000, 'k');
  JOT_INFO(log, "long key", jot::kv(long_key, 1));
  const std::vector<std::string> got = lines();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], hostile + " | c.v=s:" + hostile);
  EXPECT_EQ(got[1], "long key | c." + std::string(65'535, 'k') + "=i:1");
}

TEST_F(fields_test, many_fields_in_one_call) {
  JOT_INFO(log, "many", jot::kv("f0", 0), jot::kv("f1", 1), jot::kv("f2", 2), jot::kv("f3", 3),
           jot::kv("f4", 4), jot::kv("f5", 5), jot::kv("f6", 6), jot::kv("f7", 7), jot::kv("f8", 8),
           jot::kv("f9", 9));
  std::string expected = "many |";
  for (int i = 0; i < 10; ++i) expected += fmt::format(" c.f{}=i:{}", i, i);
  EXPECT_EQ(lines(), std::vector<std::string>{expected});
}

}  // namespace
