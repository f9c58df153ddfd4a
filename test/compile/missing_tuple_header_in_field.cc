// Must NOT compile with JOT_EXPECT_ERROR: a std::pair as a jot::kv field's
// value without jot/ranges.h stops with a message naming that header.
// Without JOT_EXPECT_ERROR the header is included and the same call
// compiles.
#include <jot/jot.h>

#include <utility>

#ifndef JOT_EXPECT_ERROR
#include <jot/ranges.h>
#endif

void log_it(jot::logger& log, const std::pair<int, double>& point) {
  JOT_INFO(log, "moved", jot::kv("to", point));
}
