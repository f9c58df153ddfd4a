// jot: asynchronous structured logging for C++20. The header every file
// that logs includes: levels, loggers, fields, the JOT_* macros, and the
// run-time calls that take no set-up types (flush(), configure_levels(),
// prepare_thread()). It stays light to compile; making loggers, sinks and
// options are in jot/setup.h, and support for standard containers, chrono
// and optional arguments in jot/ranges.h, jot/chrono.h and jot/std.h.
//
//     #include <jot/jot.h>
//
//     void pay(jot::logger& log, int id, double amount) {
//       JOT_INFO(log, "order {} paid {:.2f}", id, amount);
//     }
#pragma once

#include "jot/control.h"
#include "jot/field.h"
#include "jot/level.h"
#include "jot/logger.h"
#include "jot/macros.h"
#include "jot/version.h"
