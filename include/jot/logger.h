// Loggers, and the caller-side path of a log call.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "jot/detail/codec.h"
#include "jot/detail/ring.h"
#include "jot/detail/wire.h"
#include "jot/level.h"

namespace jot {

class sink;
class logger;

namespace detail {

// The calling thread's ring, or nullptr before its first log call (and
// after the thread's exit has begun). Constant-initialised, so reading it
// costs one TLS load and no guard.
extern constinit thread_local byte_ring* tls_ring;

// logger::state_: the minimum level in the low byte, flags above it.
inline constexpr std::uint32_t state_level_mask = 0xFFu;
// Set once jot has shut down: calls format and write on the caller.
inline constexpr std::uint32_t state_sync = 0x100u;

// Compiled in src/frontend/. `entry` is a whole encoded entry (header and
// arguments, `size` bytes, a multiple of 8) in the caller's memory; this
// creates the thread's ring on first use, waits for room when the ring is
// full, moves records larger than half the ring to the heap, and writes
// synchronously once jot has shut down. Never throws.
void submit_encoded(const logger& lg, std::byte* entry, std::size_t size) noexcept;
// For call sites with arguments that only fmt knows (a user type with a
// fmt::formatter): formats the message on the caller and submits it.
void submit_formatted(const logger& lg, const call_site& site, fmt::string_view format,
                      fmt::format_args args) noexcept;

template <class List>
struct site_builder;
template <class... Args>
struct site_builder<type_list<Args...>> {
  static consteval call_site make(level lvl, std::string_view format, const char* file,
                                  std::uint32_t line, const char* function) {
    static_assert(sizeof...(Args) < 256, "a log call takes at most 255 arguments");
    if constexpr (all_encodable_v<Args...>) {
      return call_site{lvl,
                       false,
                       static_cast<std::uint8_t>(sizeof...(Args)),
                       line,
                       format,
                       file,
                       function,
                       type_table<Args...>};
    } else {
      return call_site{lvl, true, 1, line, format, file, function, type_table<std::string_view>};
    }
  }
};

inline void write_header(std::byte* entry, std::size_t size, const call_site& site,
                         const logger* lg) noexcept {
  auto* h = reinterpret_cast<record_header*>(entry);
  h->size = static_cast<std::uint32_t>(size);
  h->kind = record_kind::record;
  h->site = &site;
  h->log = lg;
}

// The path for a full ring, no ring yet, a very large record, or a call
// after shutdown: encode on the stack (or heap) and let compiled code decide.
template <class... Args>
[[gnu::noinline]] void log_slow(const logger& lg, const call_site& site, std::size_t size,
                                const std::size_t* lens, const Args&... args) noexcept {
  alignas(8) std::byte small[512];
  std::unique_ptr<std::byte[]> big;
  std::byte* entry = small;
  if (size > sizeof small) {
    big.reset(new (std::nothrow) std::byte[size]);
    if (!big) {
      submit_encoded(lg, nullptr, size);  // reports the failed allocation
      return;
    }
    entry = big.get();
  }
  write_header(entry, size, site, &lg);
  encode_args(entry + sizeof(record_header), lens, args...);
  submit_encoded(lg, entry, size);
}

inline const logger& as_logger(const logger& l) noexcept { return l; }
inline const logger& as_logger(const logger* l) noexcept { return *l; }

// The type fmt checks a format against: enums without a formatter of their
// own are checked (and printed) as their underlying integer, since fmt 9
// refuses scoped enums.
template <class T, bool = std::is_enum_v<T> && !fmt::has_formatter<T, fmt::format_context>::value>
struct check_type {
  using type = T;
};
template <class T>
struct check_type<T, true> {
  using type = std::underlying_type_t<T>;
};
template <class T>
using check_type_t = typename check_type<T>::type;

}  // namespace detail

/// A named source of records with a level and a list of sinks.
///
/// Loggers are created with jot::make_logger() and live until the process
/// ends, so a pointer or reference to one stays valid everywhere, static
/// destructors included.
///
///     jot::logger& log = jot::make_logger("orders", {jot::file_sink("orders.log")});
///     JOT_INFO(log, "order {} paid {:.2f}", id, amount);
class logger {
 public:
  logger(const logger&) = delete;
  logger& operator=(const logger&) = delete;

  const std::string& name() const noexcept { return name_; }
  const std::vector<std::shared_ptr<sink>>& sinks() const noexcept { return sinks_; }

  /// Records below this level are discarded with one relaxed load.
  level get_level() const noexcept {
    return static_cast<level>(state_.load(std::memory_order_relaxed) & detail::state_level_mask);
  }
  void set_level(level l) noexcept;
  bool should_log(level l) const noexcept {
    return static_cast<std::uint32_t>(l) >=
           (state_.load(std::memory_order_relaxed) & detail::state_level_mask);
  }

  // Used by the JOT_* macros: the whole state word in one load.
  std::uint32_t state() const noexcept { return state_.load(std::memory_order_relaxed); }

  // The caller-side half of a log call (the JOT_* macros call it after the
  // level check): measure, reserve, copy, publish.
  template <class... Args>
  void log(const detail::call_site& site,
           fmt::format_string<const detail::check_type_t<Args>&...> /*checked at compile time*/,
           const Args&... args) const noexcept {
    if constexpr (!detail::all_encodable_v<std::decay_t<Args>...>) {
      detail::submit_formatted(*this, site, site.format, fmt::make_format_args(args...));
    } else {
      std::size_t lens[sizeof...(Args) + 1];
      const std::size_t size =
          detail::align8(sizeof(detail::record_header) + detail::args_size(lens, args...));
      detail::byte_ring* ring = detail::tls_ring;
      if (ring != nullptr) [[likely]] {
        ring->begin_call();
        // Read again now that the arguments are evaluated: shutdown() may
        // have begun meanwhile.
        const std::uint32_t now_state = state_.load(std::memory_order_relaxed);
        if ((now_state & detail::state_sync) == 0 && size <= ring->max_entry()) [[likely]] {
          if (std::byte* entry = ring->try_reserve(size)) [[likely]] {
            detail::write_header(entry, size, site, this);
            detail::encode_args(entry + sizeof(detail::record_header), lens, args...);
            ring->commit(entry, size);
            ring->end_call();
            return;
          }
        }
        ring->end_call();
      }
      detail::log_slow(*this, site, size, lens, args...);
    }
  }

  // Internal: jot sets the flags itself (at shutdown and start).
  void set_state_flags(std::uint32_t flags) noexcept;

 private:
  friend logger& make_logger(std::string, std::vector<std::shared_ptr<sink>>, level);
  logger(std::string name, std::vector<std::shared_ptr<sink>> sinks, level lvl);

  std::atomic<std::uint32_t> state_;
  std::string name_;
  std::vector<std::shared_ptr<sink>> sinks_;
};

/// Creates a logger, or returns the existing one of that name unchanged.
/// Loggers are never destroyed.
logger& make_logger(std::string name, std::vector<std::shared_ptr<sink>> sinks,
                    level lvl = level::info);

/// The logger of that name, or nullptr.
logger* find_logger(std::string_view name);

/// The logger named "default": level info, writing text to stdout.
logger& default_logger();

}  // namespace jot
