// Must NOT compile with JOT_EXPECT_ERROR: a std::chrono duration argument
// without jot/chrono.h stops with a message naming that header. Without
// JOT_EXPECT_ERROR the header is included and the same call compiles.
#include <jot/jot.h>

#include <chrono>

#ifndef JOT_EXPECT_ERROR
#include <jot/chrono.h>
#endif

void log_it(jot::logger& log, std::chrono::milliseconds took) { JOT_INFO(log, "took {}", took); }
