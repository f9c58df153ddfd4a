// The layout of a record in a thread's ring. Written by the front end,
// read only by the writer thread (src/backend/).
#pragma once

#include <cstddef>
#include <cstdint>

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
  custom,     // not encodable: the call site formats on the caller
};

// Everything known about a log statement at compile time: one static
// constexpr object per call site, created by the JOT_* macros. Records carry
// a pointer to it; nothing in it is copied at run time.
struct call_site {
  level lvl;
  bool eager;              // the message was formatted on the caller
  std::uint8_t arg_count;  // entries in types
  std::uint32_t line;
  std::string_view format;  // the format string as written
  const char* file;
  const char* function;
  const arg_type* types;  // one tag per argument
};

// Every record, and every marker, starts 8-byte aligned and its first four
// bytes hold its total size, a multiple of 8, so the reader can always skip
// it, whatever it holds.
enum class record_kind : std::uint32_t {
  record = 0,    // header followed by the encoded arguments
  wrap = 1,      // padding: the next record starts at ring offset 0
  indirect = 2,  // header followed by a heap_payload (record too large)
};

struct record_header {
  std::uint32_t size;  // bytes of this entry including the header
  record_kind kind;
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
