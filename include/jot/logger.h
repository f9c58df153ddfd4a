// Loggers, and the caller-side path of a log call. Making a logger (its
// sinks) is in jot/logger_setup.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/core.h>

#include "jot/control.h"
#include "jot/detail/atomic_word.h"
#include "jot/detail/codec.h"
#include "jot/detail/ring.h"
#include "jot/detail/wire.h"
#include "jot/export.h"
#include "jot/level.h"

namespace jot {

class sink;
class logger;
class bound_logger;

namespace detail {

// The calling thread's side of its ring (detail/ring.h), attached to none
// before its first log call (and after the thread's exit has begun).
// Constant-initialised, so using it costs TLS loads from one cache line
// and no guard.
JOT_API extern constinit thread_local ring_producer tls_producer;

// logger::state_: the minimum level in the low byte, flags above it.
inline constexpr std::uint32_t state_level_mask = 0xFFu;
// Set once jot has shut down (and until it starts again): calls format and
// write on the caller, whatever their delivery mode.
inline constexpr std::uint32_t state_stopped = 0x100u;
// The logger chose its backpressure (else options::on_full applies), and
// what it chose.
inline constexpr std::uint32_t state_own_backpressure = 0x200u;
inline constexpr std::uint32_t state_drop = 0x400u;          // backpressure::drop
inline constexpr std::uint32_t state_grow = 0x800u;          // backpressure::grow
inline constexpr std::uint32_t state_drop_at_max = 0x1000u;  // grow, then drop
inline constexpr std::uint32_t state_backpressure_mask =
    state_own_backpressure | state_drop | state_grow | state_drop_at_max;
// delivery::async_eager and delivery::sync.
inline constexpr std::uint32_t state_delivery_eager = 0x2000u;
inline constexpr std::uint32_t state_delivery_sync = 0x4000u;
inline constexpr std::uint32_t state_delivery_mask = state_delivery_eager | state_delivery_sync;
// Any of these sends a call off the hot path.
inline constexpr std::uint32_t state_not_ring = state_stopped | state_delivery_mask;
// logger::enable_backtrace(): calls below the logger's level are made too
// (the low byte is the lowest level, trace) and the writer keeps their
// records; the logger's own level is in the byte above (state_shown_shift).
inline constexpr std::uint32_t state_backtrace = 0x8000u;
inline constexpr unsigned state_shown_shift = 16;

// The logger's own level, from its state word (with or without a backtrace).
constexpr level shown_level(std::uint32_t s) noexcept {
  return static_cast<level>((s & state_backtrace) != 0 ? (s >> state_shown_shift) & state_level_mask
                                                       : s & state_level_mask);
}

// The writer's store of a logger's kept records (src/backend/backtrace.h).
struct backtrace_store;

// A logger's name and sinks (jot/logger_setup.h).
struct logger_data;

// The calling thread's scope fields (jot::scope): self-describing bytes,
// see context.h. Constant-initialised like tls_producer.
struct scope_state {
  const std::byte* data = nullptr;
  std::uint32_t size = 0;
};
JOT_API extern constinit thread_local scope_state tls_scope;

// Compiled in src/frontend/. `entry` is a whole encoded entry (header and
// arguments, `size` bytes, a multiple of 8) in the caller's memory; this
// creates the thread's ring on first use, waits for room when the ring is
// full, moves records larger than half the ring to the heap, and writes
// synchronously once jot has shut down. Never throws.
JOT_API void submit_encoded(const logger& lg, std::byte* entry, std::size_t size) noexcept;

// A call made by a signal handler that interrupted a log call of the same
// thread: the record is counted as dropped (and reported like drop-mode
// drops), since the interrupted call may hold a reservation in the ring.
// Async-signal-safe.
JOT_API void drop_interrupted(const logger& lg) noexcept;

// Formats one argument of a user type on the caller, with the spec of its
// placeholder, into a per-thread buffer that stays valid until the
// enclosing caller_text_scope ends. Never throws: a format error becomes
// the text of the error.
JOT_API std::string_view format_on_caller(std::string_view spec, fmt::format_args args) noexcept;
JOT_API std::size_t caller_text_mark() noexcept;
JOT_API void caller_text_release(std::size_t mark) noexcept;
struct caller_text_scope {
  std::size_t mark = caller_text_mark();
  caller_text_scope() = default;
  caller_text_scope(const caller_text_scope&) = delete;
  caller_text_scope& operator=(const caller_text_scope&) = delete;
  ~caller_text_scope() { caller_text_release(mark); }
};

template <class List>
struct site_builder;
template <class... Args>
struct site_builder<type_list<Args...>> {
  static consteval call_site make(level lvl, std::string_view format,
                                  std::string_view message_template, const std::string_view* names,
                                  const std::string_view* specs, std::size_t format_args,
                                  const char* file, std::uint32_t line, const char* function) {
    static_assert(sizeof...(Args) < 256, "a log call takes at most 255 arguments");
    return call_site{lvl,
                     static_cast<std::uint8_t>(sizeof...(Args)),
                     line,
                     format,
                     message_template,
                     file,
                     function,
                     node_table<Args...>::value.data(),
                     static_cast<std::uint32_t>(node_table<Args...>::count),
                     names,
                     specs,
                     static_cast<std::uint8_t>(format_args)};
  }
};

inline void write_header(std::byte* entry, std::size_t size, const call_site& site,
                         const logger* lg, std::uint8_t flags) noexcept {
  auto* h = reinterpret_cast<record_header*>(entry);
  h->size = static_cast<std::uint32_t>(size);
  h->kind = record_kind::record;
  h->flags = flags;
  h->reserved = 0;
  h->site = &site;
  h->log = lg;
}

// The context section: u32 bound bytes, u32 scope bytes, then both.
inline std::byte* write_context(std::byte* p, std::string_view bound, scope_state sc) noexcept {
  put_u32(p, bound.size());
  put_u32(p + 4, sc.size);
  p += 8;
  if (!bound.empty()) std::memcpy(p, bound.data(), bound.size());
  p += bound.size();
  if (sc.size != 0) std::memcpy(p, sc.data, sc.size);
  return p + sc.size;
}

// Owns a heap buffer of log_slow() (std::unique_ptr<std::byte[]> without
// <memory>).
class heap_bytes {
 public:
  heap_bytes() = default;
  heap_bytes(const heap_bytes&) = delete;
  heap_bytes& operator=(const heap_bytes&) = delete;
  ~heap_bytes() { delete[] p_; }
  void reset(std::byte* p) noexcept {
    delete[] p_;
    p_ = p;
  }
  std::byte* get() const noexcept { return p_; }

 private:
  std::byte* p_ = nullptr;
};

// The path for a full ring, no ring yet, a very large record, or a call
// after shutdown: encode on the stack (or heap) and let compiled code decide.
template <class... Args>
[[gnu::noinline]] void log_slow(const logger& lg, std::string_view bound, scope_state sc,
                                const call_site& site, std::size_t size, const std::size_t* lens,
                                const Args&... args) noexcept {
  alignas(8) std::byte small[512];
  heap_bytes big;
  std::byte* entry = small;
  if (size > sizeof small) {
    big.reset(new (std::nothrow) std::byte[size]);
    if (big.get() == nullptr) {
      submit_encoded(lg, nullptr, size);  // reports the failed allocation
      return;
    }
    entry = big.get();
  }
  const bool ctx = !bound.empty() || sc.size != 0;
  write_header(entry, size, site, &lg, ctx ? record_has_context : 0);
  std::byte* p = entry + sizeof(record_header);
  if (ctx) p = write_context(p, bound, sc);
  encode_args(p, lens, args...);
  submit_encoded(lg, entry, size);
}

// The caller-side half of a log call: formats the arguments of user types
// (they travel as text), then measures, reserves, copies and publishes, or
// leaves the inline path for log_slow(). `bound` holds a bound_logger's
// fields (empty for a plain logger). Defined after class logger.
template <class... Args>
void log_call(const logger& lg, std::string_view bound, const call_site& site,
              const Args&... args) noexcept;

// Arguments of user types become their text, formatted here.
template <std::size_t FormatIndex, class T>
inline decltype(auto) on_caller(const call_site& site, const T& v) noexcept {
  if constexpr (is_kv_v<T>) {
    using value_t = std::decay_t<decltype(v.value)>;
    if constexpr (encodable_v<value_t>) {
      return (v);
    } else {
      return kv_text{v.key, format_on_caller({}, fmt::make_format_args(v.value))};
    }
  } else if constexpr (encodable_v<T>) {
    return (v);
  } else {
    // An argument beyond those the format refers to has no spec; a spec
    // with a width or precision from another argument ("{:>{}}") is
    // applied on the writer, to this text, as to a string.
    std::string_view spec = FormatIndex < site.format_args ? site.specs[FormatIndex] : "";
    if (spec.find('{') != std::string_view::npos) spec = {};
    return format_on_caller(spec, fmt::make_format_args(v));
  }
}

template <class... Args>
constexpr fixed_array<std::size_t, sizeof...(Args) + 1> format_indexes() {
  constexpr bool kv[] = {is_kv_v<Args>..., false};
  fixed_array<std::size_t, sizeof...(Args) + 1> out{};
  std::size_t f = 0;
  for (std::size_t i = 0; i < sizeof...(Args); ++i) {
    out[i] = kv[i] ? 0 : f++;
  }
  return out;
}

// Whether an argument is a user type that is formatted on the caller.
template <class T>
constexpr bool formatted_on_caller() {
  if constexpr (std::is_same_v<T, kv_text>) {
    return false;
  } else if constexpr (is_kv_v<T>) {
    using value_t = std::decay_t<decltype(std::declval<T>().value)>;
    static_assert(require_support<value_t>());
    return !encodable_v<value_t>;
  } else {
    return !encodable_v<T>;
  }
}
template <class... Args>
inline constexpr bool any_on_caller_v = (formatted_on_caller<Args>() || ...);

inline const logger& as_logger(const logger& l) noexcept { return l; }
inline const logger& as_logger(const logger* l) noexcept { return *l; }

// Encodes jot::kv fields for bound and scope fields: self-describing (see
// context.h).
template <class T>
void append_context_field(std::string& blob, const kv_field<T>& f);

}  // namespace detail

/// A named source of records with a level and a list of sinks.
///
/// Loggers are created with jot::make_logger() (jot/setup.h) and live until
/// the process ends, so a pointer or reference to one stays valid
/// everywhere, static destructors included.
///
///     jot::logger& log = jot::make_logger("orders", {jot::file_sink("orders.log")});
///     JOT_INFO(log, "order {} paid {:.2f}", id, amount);
class JOT_API logger {
 public:
  logger(const logger&) = delete;
  logger& operator=(const logger&) = delete;

  const std::string& name() const noexcept;
  /// The logger's sinks, a const std::vector<std::shared_ptr<jot::sink>>&
  /// (defined in jot/logger_setup.h, which jot/setup.h includes).
  const auto& sinks() const noexcept;

  /// Records below this level are discarded with one relaxed load (or,
  /// with a backtrace enabled, kept in memory).
  level get_level() const noexcept {
    return detail::shown_level(state_.load(detail::order_relaxed));
  }
  void set_level(level l) noexcept;

  /// The flight recorder: keeps this logger's last `records` records below
  /// its level in memory, encoded as any record but neither formatted nor
  /// written, and writes them, oldest first and each with the field
  /// `backtrace=true`, just before the first record at or above `dump_at`,
  /// on jot::dump_backtrace(), and from the crash handler. A kept record
  /// costs the caller what a written one does; memory is bounded by
  /// `records`. 0 turns it off (what is kept is dropped).
  ///
  ///     log.enable_backtrace(100);               // the last 100 debug/trace records
  ///     JOT_DEBUG(log, "cache miss {}", key);    // kept, not written
  ///     JOT_ERROR(log, "request failed");        // writes the kept records, then this
  void enable_backtrace(std::size_t records, level dump_at = level::error);

  /// What this logger's calls do when their ring is full, instead of
  /// options::on_full; with backpressure::grow, `at_max` (block or drop)
  /// says what they do once the ring cannot grow further, instead of
  /// options::at_max.
  void set_backpressure(backpressure b, backpressure at_max = backpressure::block) noexcept;

  bool should_log(level l) const noexcept {
    return static_cast<std::uint32_t>(l) >=
           (state_.load(detail::order_relaxed) & detail::state_level_mask);
  }

  /// Where this logger's records are formatted and written. May be
  /// changed at any time; a call uses the mode it sees when it starts.
  void set_delivery(delivery d) noexcept;
  delivery get_delivery() const noexcept;

  // Used by the JOT_* macros: the whole state word in one load.
  std::uint32_t state() const noexcept { return state_.load(detail::order_relaxed); }

  // The caller-side half of a log call (the JOT_* macros call it after the
  // level check; the format was checked at compile time).
  template <class... Args>
  void log(const detail::call_site& site, detail::format_string_t<Args...> /*format*/,
           const Args&... args) const noexcept {
    detail::log_call(*this, {}, site, args...);
  }

  /// A logger that adds these fields to every record, encoded once here:
  ///
  ///     auto req_log = log.with(jot::kv("request_id", id), jot::kv("user", name));
  ///     JOT_INFO(req_log, "accepted");  // ... request_id=42 user=ann
  ///
  /// The result shares this logger's name, level and sinks, and may be
  /// copied, stored and used from any thread.
  template <class... T>
  bound_logger with(const kv_field<T>&... fields) const;

  // Internal: jot sets state_stopped itself (at shutdown and start).
  void set_state_flags(std::uint32_t flags) noexcept;
  // Internal: the writer's store of kept records, or nullptr.
  detail::backtrace_store* backtrace() const noexcept {
    return backtrace_.load(detail::order_acquire);
  }

 private:
  friend struct detail::logger_data;
  logger(detail::logger_data* data, level lvl) noexcept
      : state_(static_cast<std::uint32_t>(lvl)), data_(data) {}

  // The state word first: a log call reads only it.
  detail::atomic_word<std::uint32_t> state_;
  detail::atomic_word<detail::backtrace_store*> backtrace_{nullptr};  // made once, never freed
  detail::logger_data* data_;                                         // made with it, never freed
};

/// A logger with fields bound to it (see logger::with): a small value that
/// may be copied, stored, passed to other threads, and used with the JOT_*
/// macros like the logger it came from.
class bound_logger {
 public:
  const logger& base() const noexcept { return *base_; }
  const std::string& name() const noexcept { return base_->name(); }
  bool should_log(level l) const noexcept { return base_->should_log(l); }

  /// Another bound logger with these fields after this one's.
  template <class... T>
  bound_logger with(const kv_field<T>&... fields) const {
    std::string blob = fields_;
    (detail::append_context_field(blob, fields), ...);
    return bound_logger(*base_, std::move(blob));
  }

  // The JOT_* macros call this after the level check.
  template <class... Args>
  void log(const detail::call_site& site, detail::format_string_t<Args...> /*format*/,
           const Args&... args) const noexcept {
    detail::log_call(*base_, fields_, site, args...);
  }

 private:
  friend class logger;
  bound_logger(const logger& base, std::string fields) noexcept
      : base_(&base), fields_(std::move(fields)) {}

  const logger* base_;
  std::string fields_;  // encoded once, copied into each record
};

template <class... T>
bound_logger logger::with(const kv_field<T>&... fields) const {
  std::string blob;
  (detail::append_context_field(blob, fields), ...);
  return bound_logger(*this, std::move(blob));
}

namespace detail {

inline const bound_logger& as_logger(const bound_logger& l) noexcept { return l; }
// JOT_INFO(log.with(...), ...): the macro keeps a reference to what this
// returns, so a temporary is moved into a value that lives as long.
inline bound_logger as_logger(bound_logger&& l) noexcept { return std::move(l); }
inline bound_logger as_logger(const bound_logger&& l) { return l; }

template <class... Args>
inline void log_call(const logger& lg, std::string_view bound, const call_site& site,
                     const Args&... args) noexcept {
  if constexpr (any_on_caller_v<std::decay_t<Args>...>) {
    // Again, with each user type's text in its place (valid until `texts`
    // ends): then every argument is encoded as it is.
    const caller_text_scope texts;
    static constexpr auto idx = format_indexes<std::decay_t<Args>...>();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      log_call(lg, bound, site, on_caller<idx[I]>(site, args)...);
    }
    (std::index_sequence_for<Args...>());
  } else {
    std::size_t lens[sizeof...(Args) + 1];
    const scope_state sc = tls_scope;
    const std::size_t context = bound.size() + sc.size;
    std::size_t size = sizeof(record_header) + args_size(lens, args...);
    if (context != 0) size += 8 + context;
    size = align8(size);
    ring_producer& ring = tls_producer;
    if (ring.ring() != nullptr) [[likely]] {
      if (!ring.begin_call()) [[unlikely]] {
        drop_interrupted(lg);  // a signal handler interrupted a call of this thread
        return;
      }
      // Read again now that the arguments are evaluated: shutdown() may
      // have begun meanwhile.
      const std::uint32_t now_state = lg.state();
      if ((now_state & state_not_ring) == 0 && size <= ring.max_entry()) [[likely]] {
        if (std::byte* entry = ring.try_reserve(size)) [[likely]] {
          write_header(entry, size, site, &lg, context != 0 ? record_has_context : 0);
          std::byte* p = entry + sizeof(record_header);
          if (context != 0) p = write_context(p, bound, sc);
          encode_args(p, lens, args...);
          ring.commit(entry, size);
          ring.end_call();
          return;
        }
      }
      ring.end_call();
    }
    log_slow(lg, bound, sc, site, size, lens, args...);
  }
}

// One self-describing field: u16 key length, the key, u8 node count, the
// nodes as (tag, aux) byte pairs, then the value's bytes. A value that is
// not encodable, or holds a deferred user type, is formatted here and
// travels as text.
template <class T>
void append_context_field(std::string& blob, const kv_field<T>& f) {
  using value_t = std::decay_t<decltype(f.value)>;
  static_assert(require_support<value_t>());
  const std::size_t key_len = key_length(f.key);
  const auto k16 = static_cast<std::uint16_t>(key_len);
  blob.append(reinterpret_cast<const char*>(&k16), 2);
  blob.append(f.key.data(), key_len);
  if constexpr (encodable_v<value_t> && !has_user_node<value_t>()) {
    constexpr std::size_t n = node_count<value_t>();
    static_assert(n < 256, "a bound or scope field's type is too deeply composed");
    type_node nodes[n] = {};
    std::size_t i = 0;
    describe<value_t>(nodes, i);
    blob.push_back(static_cast<char>(n));
    for (const type_node& t : nodes) {
      blob.push_back(static_cast<char>(t.tag));
      blob.push_back(static_cast<char>(t.aux));
    }
    const std::size_t at = blob.size();
    blob.resize(at + value_size(f.value));
    encode_value(reinterpret_cast<std::byte*>(blob.data() + at), f.value);
  } else {
    const caller_text_scope texts;
    const std::string_view text = format_on_caller({}, fmt::make_format_args(f.value));
    blob.push_back(static_cast<char>(1));
    blob.push_back(static_cast<char>(arg_type::text));
    blob.push_back(static_cast<char>(0));
    const std::size_t at = blob.size();
    blob.resize(at + 4 + text.size());
    encode_arg(reinterpret_cast<std::byte*>(blob.data() + at), std::string_view(text), text.size());
  }
}

}  // namespace detail

/// The logger of that name, or nullptr.
JOT_API logger* find_logger(std::string_view name);

/// The logger named "default": level info, writing text to stdout.
JOT_API logger& default_logger();

/// What jot::configure_levels() made of a spec: ok(), or what is wrong
/// (`error`), at which byte offset of the spec (`position`) and the text
/// found there (`token`).
struct level_config_result {
  std::string error;
  std::size_t position = 0;
  std::string token;
  bool ok() const noexcept { return error.empty(); }
  explicit operator bool() const noexcept { return ok(); }
};

/// Sets loggers' levels from a spec, the same text as the environment
/// variable JOT_LEVEL: a default level, then `name=level` pairs, where a
/// name ending in `*` is a prefix. Levels are trace, debug, info, warn
/// (or warning), error, critical, off, in any case.
///
///     jot::configure_levels("warn,orders=debug,net.*=trace");
///
/// Each logger, present or made later, gets the level of the most specific
/// entry naming it (its exact name, else the longest prefix), else the
/// default, else the level it was made with; the spec replaces the one set
/// before (JOT_LEVEL's or an earlier call's), and logger::set_level()
/// overrides it for one logger until the next call. "" clears it. A spec
/// with an error changes nothing: the result, and the error handler, say
/// what and where. Safe from any thread, while others log or make loggers.
JOT_API level_config_result configure_levels(std::string_view spec);

/// Writes the records every logger keeps for its backtrace
/// (logger::enable_backtrace()), as if a record at its dump level had come,
/// and returns once they are written.
JOT_API void dump_backtrace() noexcept;

}  // namespace jot
