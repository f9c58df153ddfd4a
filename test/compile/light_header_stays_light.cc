// jot/jot.h, the header of every file that logs, must stay cheap to
// compile: none of these standard headers may come in through it (checked
// by libstdc++'s include guards; other libraries are not checked). The set-up
// API is in jot/setup.h and support for standard containers, chrono and
// optional in jot/ranges.h, jot/chrono.h and jot/std.h. A plain call and a
// rate-limited one (whose period is a std::chrono duration the caller
// brings) both compile.
#include <jot/jot.h>

#if defined(__GLIBCXX__)
#if defined(_GLIBCXX_CHRONO) || defined(_GLIBCXX_FUNCTIONAL) || defined(_GLIBCXX_MEMORY) || \
    defined(_GLIBCXX_VECTOR) || defined(_GLIBCXX_MAP) || defined(_GLIBCXX_MUTEX) ||         \
    defined(_GLIBCXX_TUPLE) || defined(_GLIBCXX_OPTIONAL) || defined(_GLIBCXX_ARRAY) ||     \
    defined(_GLIBCXX_SPAN) || defined(_GLIBCXX_CMATH) || defined(_GLIBCXX_ATOMIC)
#error "jot/jot.h includes a heavy standard header"
#endif
#endif

struct half_second {
  using rep = int;
  struct period {
    static constexpr long num = 1;
    static constexpr long den = 2;
  };
  int count() const noexcept { return 1; }
};

void log_it(jot::logger& log, int n) {
  JOT_INFO(log, "n {}", n);
  JOT_WARN_EVERY(log, half_second{}, "at most twice a second: {}", n);
  jot::flush();
}
