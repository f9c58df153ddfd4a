// Compiled with -Wall -Wextra -Werror and every call stripped: variables
// and parameters used only in log calls must not become "unused".
#define JOT_ACTIVE_LEVEL JOT_LEVEL_OFF
#include <jot/jot.h>

#include <string>

int stripped(jot::logger& log, int only_logged, const std::string& name) {
  const double ratio = 0.5;
  JOT_TRACE(log, "{} {} {}", only_logged, name, ratio);
  JOT_CRITICAL(log, "{}", only_logged);
  return 0;
}
