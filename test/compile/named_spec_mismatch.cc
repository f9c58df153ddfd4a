// Must NOT compile with JOT_EXPECT_ERROR: fmt still checks the spec of a
// named placeholder against its argument's type.
#include <string>

#include <jot/jot.h>

void log_it(jot::logger& log, const std::string& name) {
#ifdef JOT_EXPECT_ERROR
  JOT_INFO(log, "user {name:d}", name);
#else
  JOT_INFO(log, "user {name:>8}", name);
#endif
}
