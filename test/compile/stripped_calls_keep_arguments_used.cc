// Compiled with -Wall -Wextra -Werror and every call stripped: variables
// and parameters used only in log calls must not become "unused".
#define JOT_ACTIVE_LEVEL JOT_LEVEL_OFF
#include <jot/jot.h>

#include <chrono>
#include <string>

int stripped(jot::logger& log, int only_logged, const std::string& name) {
  const double ratio = 0.5;
  JOT_TRACE(log, "{} {} {}", only_logged, name, ratio);
  JOT_CRITICAL(log, "{}", only_logged);
  return 0;
}

// The rate-limited forms too, their limits included.
int stripped_limited(jot::logger& log, int only_logged, int every, std::chrono::seconds period) {
  JOT_INFO_EVERY_N(log, every, "{}", only_logged);
  JOT_WARN_EVERY(log, period, "{}", only_logged);
  JOT_ERROR_ONCE(log, "{}", only_logged);
  return 0;
}
