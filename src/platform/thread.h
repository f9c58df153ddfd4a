// Thread identity and placement.
#pragma once

#include <cstdint>
#include <string>

namespace jot::detail {

std::uint64_t current_thread_id() noexcept;
std::string current_thread_name();
// Both report failure through report_error() and carry on.
void name_current_thread(const std::string& name) noexcept;
void pin_current_thread(int cpu) noexcept;

}  // namespace jot::detail
