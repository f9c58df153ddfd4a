// Must NOT compile with JOT_EXPECT_ERROR: a std::vector argument without
// jot/ranges.h stops with a message naming that header. Without
// JOT_EXPECT_ERROR the header is included and the same call compiles.
#include <jot/jot.h>

#include <vector>

#ifndef JOT_EXPECT_ERROR
#include <jot/ranges.h>
#endif

void log_it(jot::logger& log, const std::vector<int>& ids) { JOT_INFO(log, "ids {}", ids); }
