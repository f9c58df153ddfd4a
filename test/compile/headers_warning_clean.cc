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
