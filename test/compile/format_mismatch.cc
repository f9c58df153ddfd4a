// Must NOT compile: the format string asks for an integer presentation of a
// string. compile_checks_test.cmake compiles it with JOT_EXPECT_ERROR
// defined (must fail) and without (must succeed), so the failure is the
// format check's, not a broken test file's.
#include <jot/jot.h>

#include <string>

void log_it(jot::logger& log, const std::string& name) {
#ifdef JOT_EXPECT_ERROR
  JOT_INFO(log, "user {:d}", name);
#else
  JOT_INFO(log, "user {}", name);
#endif
}
