// Must NOT compile with JOT_EXPECT_ERROR: two placeholders, one argument.
#include <jot/jot.h>

void log_it(jot::logger& log, int id) {
#ifdef JOT_EXPECT_ERROR
  JOT_WARN(log, "order {} paid {}", id);
#else
  JOT_WARN(log, "order {} paid", id);
#endif
}
