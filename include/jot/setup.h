// jot's set-up API: options and start(), sinks, formatters, collectors,
// the crash handler, binary logs and make_logger(). Include it in the file
// that configures jot; files that only log include jot/jot.h, which this
// header includes.
//
//     #include <jot/setup.h>
//
//     int main() {
//       jot::start();
//       auto& log = jot::make_logger("app", {jot::file_sink("app.log")});
//       JOT_INFO(log, "started with {} workers", 4);
//     }  // everything is written at exit
#pragma once

#include "jot/binary_log.h"
#include "jot/collector.h"
#include "jot/config.h"
#include "jot/crash.h"
#include "jot/formatter.h"
#include "jot/jot.h"
#include "jot/logger_setup.h"
#include "jot/record.h"
#include "jot/sink.h"
