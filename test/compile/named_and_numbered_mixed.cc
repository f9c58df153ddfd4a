// Must NOT compile with JOT_EXPECT_ERROR: a name and a number in one format.
#include <jot/jot.h>

void log_it(jot::logger& log, int id, double amount) {
#ifdef JOT_EXPECT_ERROR
  JOT_INFO(log, "order {id} paid {1}", id, amount);
#else
  JOT_INFO(log, "order {id} paid {amount}", id, amount);
#endif
}
