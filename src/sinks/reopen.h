// jot::reopen() and the SIGHUP hook: a counter that file sinks compare
// with the value they saw when they opened their file.
#pragma once

#include <cstdint>

namespace jot::detail {

// Incremented by jot::reopen() and by the SIGHUP hook; a file sink that
// sees it changed opens its path anew before it next writes.
std::uint64_t reopen_generation() noexcept;

// Installs the SIGHUP handler (options::reopen_on_sighup) once per
// process; later calls do nothing. Failure is reported.
void install_sighup_reopen() noexcept;

}  // namespace jot::detail
