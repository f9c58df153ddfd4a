// Stack traces a signal handler can take: raw return addresses, named by
// module and offset from a table of modules made beforehand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace jot::detail {

// Text built without allocating: appends are cut at the capacity.
// Async-signal-safe.
class fixed_text {
 public:
  fixed_text(char* buf, std::size_t cap) noexcept : buf_(buf), cap_(cap) {}
  void add(std::string_view s) noexcept;
  void add_dec(std::uint64_t v) noexcept;
  void add_hex(std::uint64_t v) noexcept;  // 0x...
  std::string_view view() const noexcept { return {buf_, len_}; }
  void clear() noexcept { len_ = 0; }

 private:
  char* buf_;
  std::size_t cap_;
  std::size_t len_ = 0;
};

// Not async-signal-safe: records the loaded modules (their address ranges
// and paths) for describe_frames(), and loads the unwinder, which
// backtrace(3) would otherwise load on first use (with malloc and locks).
// Modules loaded later are shown as bare addresses.
void prepare_stack_traces() noexcept;

// Async-signal-safe once prepare_stack_traces() ran: the calling thread's
// return addresses, at most `max` (0 if unavailable).
int capture_stack(void** frames, int max) noexcept;

// Async-signal-safe: one line per frame, "#N 0xADDR module+0xOFFSET",
// frames separated by '\n'.
void describe_frames(void* const* frames, int n, fixed_text& out) noexcept;

}  // namespace jot::detail
