// The README's quick start: log to a file and to the console.
#include <jot/setup.h>

#include <string>

int main() {
  auto& log = jot::make_logger("app", {jot::file_sink("app.log"), jot::console_sink()});

  JOT_INFO(log, "started with {} workers", 4);
  for (int order = 1; order <= 3; ++order) {
    const double amount = 9.5 * order;
    JOT_INFO(log, "order {} paid {:.2f} by {}", order, amount, std::string("alice"));
  }
  JOT_WARN(log, "disk {:.0f}% full", 91.5);
  JOT_DEBUG(log, "not written: the logger's level is info");

  jot::flush();  // everything above is in app.log now
}  // the rest is written at exit, without a shutdown() call
