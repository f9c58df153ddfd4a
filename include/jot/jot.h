// jot: asynchronous structured logging for C++20. The umbrella header.
//
//     #include <jot/jot.h>
//
//     int main() {
//       auto& log = jot::make_logger("app", {jot::file_sink("app.log")});
//       JOT_INFO(log, "started with {} workers", 4);
//     }  // everything is written at exit
#pragma once

#include "jot/collector.h"
#include "jot/config.h"
#include "jot/crash.h"
#include "jot/field.h"
#include "jot/formatter.h"
#include "jot/level.h"
#include "jot/logger.h"
#include "jot/macros.h"
#include "jot/record.h"
#include "jot/sink.h"
#include "jot/version.h"
