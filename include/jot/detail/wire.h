// The layout of a record in a thread's ring. Written by the front end,
// read only by the writer thread (src/backend/).
#pragma once

#include <cstddef>
#include <cstdint>

#include <string>
#include <string_view>

#include "jot/level.h"

namespace jot {
class logger;
}

namespace jot::detail {

// One tag per argument, stored in the call site; the decoder reads the
// argument bytes by it.
enum class arg_type : std::uint8_t {
  boolean,    // 1 byte
  character,  // 1 byte (char)
  i32,        // 4 bytes
  u32,        // 4 bytes
  i64,        // 8 bytes
  u64,        // 8 bytes
  f32,        // 4 bytes
  f64,        // 8 bytes
  f80,        // sizeof(long double) bytes
  pointer,    // 8 bytes (uintptr_t)
  string,     // u32 length, then the bytes; length 0xFFFFFFFF = null C string
  text,       // as string: a user type formatted on the caller, spec applied
  duration,   // 8 bytes: i64 count (f64, u64 by the aux flags), aux & period_mask = period
  time,       // 8 bytes: i64 count since the Unix epoch (system_clock), aux = period
  optional,   // u8 present, then the value if present; one child node
  sequence,   // u32 count, then the elements; one child node; aux 1 = a set
  map,        // u32 count, then key and value of each; two child nodes
  tuple,      // the elements in order; aux child nodes
  user,       // `size` bytes of a trivially copyable type; `format` renders it
  field,      // u16 key length, the key, then the value; one child node
  custom,     // not encodable: formatted on the caller and sent as text
};

// Period codes of durations and time points: the ratios fmt has names
// for, and the calendar ones of <chrono>.
enum class period : std::uint8_t {
  ns,
  us,
  ms,
  s,
  min,
  h,
  d,
  weeks,
  months,
  years,
  as,
  fs,
  ps,
  cs,
  ds,
  das,
  hs,
  ks,
  mega,
  giga,
  tera,
  peta,
  exa,
};
inline constexpr std::uint8_t period_mask = 0x1F;  // in type_node::aux
inline constexpr std::uint8_t duration_unsigned = 0x40;
inline constexpr std::uint8_t duration_float = 0x80;

// Renders a user type that opted into deferred formatting: `format` is a
// complete fmt format string for one argument, such as "{}" or "{:>8}".
using user_format_fn = void (*)(const std::byte* data, std::string_view format, std::string& out);

// Argument types of a call site in pre-order: a compound node is followed
// by the nodes of its children.
struct type_node {
  arg_type tag = arg_type::custom;
  std::uint8_t aux = 0;
  std::uint32_t size = 0;  // user: sizeof the type
  user_format_fn format = nullptr;
};

// Everything known about a log statement at compile time: one static
// constexpr object per call site, created by the JOT_* macros. Records carry
// a pointer to it; nothing in it is copied at run time.
struct call_site {
  level lvl;
  std::uint8_t arg_count;  // top-level arguments (format arguments and jot::kv fields)
  std::uint32_t line;
  std::string_view format;            // as fmt sees it: names replaced by numbers
  std::string_view message_template;  // as written
  const char* file;
  const char* function;
  const type_node* types;         // the arguments' type trees, in order
  std::uint32_t type_count;       // entries in types
  const std::string_view* names;  // per format argument: its field name, or ""
  const std::string_view* specs;  // per format argument: the spec of its first placeholder
  std::uint8_t format_args;       // arguments the format refers to
};

// Every record, and every marker, starts 8-byte aligned and its first four
// bytes hold its total size, a multiple of 8, so the reader can always skip
// it, whatever it holds.
enum class record_kind : std::uint8_t {
  record = 0,    // header followed by the encoded arguments
  wrap = 1,      // padding: the next record starts at ring offset 0
  indirect = 2,  // header followed by a heap_payload (record too large)
};

// record_header::flags
// The header is followed by u32 bound bytes, u32 scope bytes and those
// bytes (self-describing fields, see context.h), then the arguments.
inline constexpr std::uint8_t record_has_context = 1;
// delivery::async_eager: the message was rendered on the caller. After the
// context section: u32 message length, u32 argument bytes, the message,
// then the arguments (for their fields; none if record_message_only).
inline constexpr std::uint8_t record_preformatted = 2;
inline constexpr std::uint8_t record_message_only = 4;
// The crash handler's record: written to every sink of every logger.
inline constexpr std::uint8_t record_every_sink = 8;

struct record_header {
  std::uint32_t size;  // bytes of this entry including the header
  record_kind kind;
  std::uint8_t flags;
  std::uint16_t reserved;
  const call_site* site;
  const logger* log;
  std::uint64_t ticks;  // detail::ticks() at commit
};
static_assert(sizeof(record_header) == 32);

// A record larger than half a ring is encoded on the heap; the ring carries
// this pointer and the writer frees it after rendering.
struct heap_payload {
  std::byte* data;  // header + arguments, allocated with new std::byte[]
  std::uint64_t size;
};

// record_header::size is 32 bits: a larger record is reported and dropped.
inline constexpr std::size_t max_record_size = 0xFFFFFFF8u;

constexpr std::size_t align8(std::size_t n) noexcept { return (n + 7) & ~std::size_t{7}; }

}  // namespace jot::detail
