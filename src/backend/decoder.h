// Turning a record's argument bytes back into a message.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/args.h>
#include <fmt/format.h>

#include "jot/detail/wire.h"

namespace jot::detail {

// Renders messages on the writer thread. Each call site's format string is
// parsed once, the first time one of its records is seen: a format made
// only of literal text and `{}` placeholders (the common case) is then
// rendered by writing each decoded argument straight after its text, with
// no format-string parsing per record; any other format (specs, indexes,
// nested fields) goes through fmt's own formatter with the decoded
// arguments. Both give exactly what fmt::format gives on the caller.
//
// Not thread-safe: one instance per consumer.
class message_renderer {
 public:
  // Appends the message of a record of `site` whose argument bytes are
  // [args, end). Bytes that do not match the call site's argument types,
  // or a format the arguments do not fit, never throw: the message becomes
  // the format string followed by a bracketed note, so nothing is silently
  // lost, and the result is false.
  bool render(const call_site& site, const std::byte* args, const std::byte* end,
              fmt::memory_buffer& out) noexcept;

 private:
  struct plan {
    bool plain = false;                 // only literal text and {} placeholders
    std::vector<std::string> literals;  // text before each argument, and after the last
  };
  const plan& plan_for(const call_site& site);
  bool render_plain(const plan& p, const call_site& site, const std::byte* args,
                    const std::byte* end, fmt::memory_buffer& out);
  bool render_general(const call_site& site, const std::byte* args, const std::byte* end,
                      fmt::memory_buffer& out);

  // A small direct-mapped cache in front of the map: most records come
  // from a few call sites.
  struct slot {
    const call_site* site = nullptr;
    const plan* p = nullptr;
  };
  static constexpr std::size_t cache_slots = 256;
  slot cache_[cache_slots];
  std::unordered_map<const call_site*, std::unique_ptr<plan>> plans_;
  fmt::dynamic_format_arg_store<fmt::format_context> store_;
};

}  // namespace jot::detail
