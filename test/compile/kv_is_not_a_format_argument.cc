// Must NOT compile with JOT_EXPECT_ERROR: a jot::kv field does not fill a
// placeholder of the message.
#include <jot/jot.h>

void log_it(jot::logger& log, int n) {
#ifdef JOT_EXPECT_ERROR
  JOT_WARN(log, "retrying {}", jot::kv("attempt", n));
#else
  JOT_WARN(log, "retrying {}", n, jot::kv("attempt", n));
#endif
}
