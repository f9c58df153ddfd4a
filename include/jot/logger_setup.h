// Making loggers: jot::make_logger() and a logger's sinks. Part of the
// set-up API (jot/setup.h includes it); jot/jot.h has the logger class
// itself, which holds this only through a pointer.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "jot/export.h"
#include "jot/level.h"
#include "jot/logger.h"

namespace jot {

class sink;

namespace detail {

// What the writer needs of a logger besides its state word: made with the
// logger and, like it, never freed.
struct logger_data {
  std::string name;
  std::vector<std::shared_ptr<sink>> sinks;

  // A new logger holding these (null sinks removed); compiled in
  // src/logger.cc.
  JOT_API static logger* make(std::string name, std::vector<std::shared_ptr<sink>> sinks,
                              level lvl);
};

}  // namespace detail

inline const auto& logger::sinks() const noexcept {
  const std::vector<std::shared_ptr<sink>>& s = data_->sinks;
  return s;
}

/// Creates a logger, or returns the existing one of that name unchanged.
/// Loggers are never destroyed.
///
///     jot::logger& log = jot::make_logger("orders", {jot::file_sink("orders.log")});
JOT_API logger& make_logger(std::string name, std::vector<std::shared_ptr<sink>> sinks,
                            level lvl = level::info);

}  // namespace jot
