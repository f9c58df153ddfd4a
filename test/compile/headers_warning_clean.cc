// Compiled at -O2 with strict warnings as errors: a user's build that logs
// every kind of argument must not see a warning from jot's headers.
#include <jot/jot.h>

#include <string>
#include <string_view>

enum class state { on = 1 };

void every_kind(jot::logger& log, int i, unsigned u, long long ll, double d, float f, bool b,
                char c, const char* cs, const std::string& s, std::string_view sv, void* p) {
  JOT_INFO(log, "{} {} {} {} {} {} {} {} {} {} {}", i, u, ll, d, f, b, c, cs, s, sv, p);
  JOT_WARN(log, "literal {} and {}", "client-a", "a literal longer than sixteen bytes");
  JOT_ERROR(log, "enum {} short {}", state::on, static_cast<short>(-1));
  JOT_DEBUG(log, "no arguments");
}

// Fields and the types encoded beside the scalars, with their opt-in
// headers.
#include <jot/chrono.h>
#include <jot/ranges.h>
#include <jot/std.h>

#include <chrono>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

void fields(jot::logger& log, int id, const std::vector<int>& v,
            const std::map<std::string, double>& m, std::optional<short> o,
            std::chrono::milliseconds ms, std::chrono::system_clock::time_point t) {
  const jot::bound_logger req = log.with(jot::kv("request_id", id), jot::kv("v", v));
  const jot::scope s(jot::kv("trace_id", "abc"), jot::kv("o", o));
  JOT_INFO(req, "order {id} took {ms} at {t}", id, ms, t, jot::kv("m", m));
  JOT_WARN(log, "tuple {}", std::tuple<int, float, std::string>{1, 2.0f, "x"});
}

// Rate limits: n of any integer type, any duration, no arguments at all.
void limited(jot::logger& log, int i, std::size_t n, unsigned short us) {
  JOT_INFO_EVERY_N(log, n, "{}", i);
  JOT_INFO_EVERY_N(log, us, "{}", i);
  JOT_WARN_EVERY_N(log, -3, "no arguments");
  JOT_WARN_EVERY(log, std::chrono::milliseconds(250), "{}", i, jot::kv("k", n));
  JOT_ERROR_EVERY(log, std::chrono::duration<double>(0.5), "fractional period");
  JOT_CRITICAL_ONCE(log, "once {}", i);
  JOT_DEBUG_ONCE(log, "once");
}

// A call inside another's arguments shadows nothing.
void nested(jot::logger& log) {
  JOT_INFO(log, "outer {v}", [&] {
    JOT_DEBUG(log, "inner");
    return 1;
  }());
}
