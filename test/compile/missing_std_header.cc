// Must NOT compile with JOT_EXPECT_ERROR: a std::optional argument without
// jot/std.h stops with a message naming that header. Without
// JOT_EXPECT_ERROR the header is included and the same call compiles.
#include <jot/jot.h>

#include <optional>

#ifndef JOT_EXPECT_ERROR
#include <jot/std.h>
#endif

void log_it(jot::logger& log, const std::optional<int>& retries) {
  JOT_INFO(log, "retries {}", retries);
}
