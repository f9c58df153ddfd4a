// The binary log's file format, shared by its writer (binary_log_writer.cc)
// and its reader (src/backend/binary_log_reader.cc). docs/binary-log.md
// describes it for readers of the files; this header is the reference.
//
// A file is a sequence of entries. Each entry is a varint length (the bytes
// that follow it) and that many bytes, the first of which says what the
// entry is. A file starts with a segment entry; a segment entry may appear
// again later (a file appended to, or written again after a failed write),
// and starts afresh: the ids of call sites, loggers and threads defined
// before it are forgotten. So a reader can start at any segment, and one
// that meets damage can look for the next segment and go on from there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace jot::detail::binlog {

// Entry kinds (the entry's first byte). A record's kind byte is
// record_kind_bit | the record's flags (record_has_context,
// record_preformatted, record_message_only of wire.h).
inline constexpr std::uint8_t segment_kind = 0x00;
inline constexpr std::uint8_t site_kind = 0x01;
inline constexpr std::uint8_t logger_kind = 0x02;
inline constexpr std::uint8_t thread_kind = 0x03;
inline constexpr std::uint8_t record_kind_bit = 0x80;
inline constexpr std::uint8_t record_flag_mask = 0x07;

// A segment entry: the kind byte, then this magic, then the format version.
inline constexpr std::string_view magic = "JOTBLOG";
// The major version changes when an older reader could misread a file; a
// reader refuses a major version it does not know. The minor version
// changes when something is added that an older reader may skip.
inline constexpr std::uint8_t version_major = 1;
inline constexpr std::uint8_t version_minor = 0;

// The largest entry a reader accepts: a record is at most 4 GiB in the
// ring, and a file is no place for more.
inline constexpr std::uint64_t max_entry_bytes = 0xFFFFFFFFu;

inline void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

inline std::uint64_t zigzag(std::int64_t v) noexcept {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline std::int64_t unzigzag(std::uint64_t v) noexcept {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

inline void put_string(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

template <class T>
void put_fixed(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

// Reads entries' parts; every read checks the bounds and returns false if
// the bytes are not there.
class cursor {
 public:
  cursor(const std::byte* p, const std::byte* end) noexcept : p_(p), end_(end) {}

  bool varint(std::uint64_t& v) noexcept {
    v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return false;
      const auto b = static_cast<std::uint8_t>(*p_++);
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return shift < 63 || b <= 1;
    }
    return false;
  }
  bool u8(std::uint8_t& v) noexcept {
    if (p_ == end_) return false;
    v = static_cast<std::uint8_t>(*p_++);
    return true;
  }
  template <class T>
  bool fixed(T& v) noexcept {
    if (static_cast<std::size_t>(end_ - p_) < sizeof(T)) return false;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return true;
  }
  bool bytes(std::uint64_t n, const std::byte*& at) noexcept {
    if (static_cast<std::uint64_t>(end_ - p_) < n) return false;
    at = p_;
    p_ += n;
    return true;
  }
  bool string(std::string_view& s) noexcept {
    std::uint64_t n = 0;
    const std::byte* at = nullptr;
    if (!varint(n) || !bytes(n, at)) return false;
    s = std::string_view(reinterpret_cast<const char*>(at), n);
    return true;
  }
  const std::byte* pos() const noexcept { return p_; }
  const std::byte* end() const noexcept { return end_; }
  std::size_t left() const noexcept { return static_cast<std::size_t>(end_ - p_); }

 private:
  const std::byte* p_;
  const std::byte* end_;
};

}  // namespace jot::detail::binlog
