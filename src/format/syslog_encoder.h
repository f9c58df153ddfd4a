// Syslog wire formats: RFC 5424 messages with structured data, and the
// RFC 3164 lines that local syslog daemons read from /dev/log. Pure
// functions of a record and fixed settings, so that they can be tested
// byte for byte and fuzzed; the framing (octet counting, datagrams) is the
// transport's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "jot/level.h"
#include "jot/record.h"

namespace jot::detail {

enum class syslog_style : std::uint8_t { rfc5424, rfc3164 };

struct syslog_encoding {
  syslog_style style = syslog_style::rfc5424;
  int facility = 1;  // user-level; 0 to 23
  // Written as given where they are valid; encode_syslog sanitizes them.
  std::string_view hostname;  // "-" when empty
  std::string_view app_name;  // "-" when empty
  std::string_view sd_id;     // the SD-ID of the record's fields
  // The longest message (without framing); a longer one is shortened and
  // marked. At least min_syslog_bytes.
  std::size_t max_bytes = 8096;
};

// The smallest max_bytes accepted: room for the longest RFC 5424 header
// (the field limits of section 6 add up to 501 bytes) and some message.
inline constexpr std::size_t min_syslog_bytes = 600;

// What a shortened message ends with.
inline constexpr std::string_view syslog_cut_marker = "[truncated]";

// RFC 5424's severity for a level: critical 2, error 3, warn 4, info 6,
// debug and trace 7.
int syslog_severity(level l) noexcept;

// Appends one message for `r`. RFC 5424:
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID name="value"...] BOM MSG
// TIMESTAMP in UTC with microseconds (6 digits, what collectors keep);
// MSGID is the logger's name; the fields are SD-PARAMs of one element
// named e.sd_id, except trace_id, span_id and trace_flags, which go into an
// element "opentelemetry". Header fields are printable ASCII cut to their
// RFC lengths ('_' for other bytes); SD-NAMEs are cut to 32 bytes with '=',
// ' ', ']', '"' and non-printable bytes as '_'; values are escaped (a backslash before
// '"', '\' and ']') and, like the message, made valid UTF-8 (U+FFFD for each ill-formed
// sequence). RFC 3164: <PRI>Mmm dd hh:mm:ss APP[PID]: MSG key=value...,
// local time, the message's control characters escaped and the fields as
// logfmt writes them. Returns true if the message was longer than
// e.max_bytes and was shortened: the text is cut at a character boundary
// and ends with syslog_cut_marker; structured data that does not fit is
// left out, whole parameters at a time.
bool encode_syslog(std::string& out, const record_view& r, const syslog_encoding& e,
                   std::uint32_t pid);

// The pieces, for tests and fuzzers.
// `s` as printable ASCII (33..126), other bytes as '_', at most `max` bytes;
// "-" when empty.
void append_syslog_header_field(std::string& out, std::string_view s, std::size_t max);
// An SD-NAME or SD-ID: at most 32 bytes, '=', ']', '"' and bytes other
// than printable ASCII as '_'; "_" when empty.
void append_sd_name(std::string& out, std::string_view s);
// An SD PARAM-VALUE's inside: '"', '\' and ']' escaped, made valid UTF-8.
void append_sd_value(std::string& out, std::string_view s);
// `s` made valid UTF-8: U+FFFD for each maximal ill-formed subpart.
void append_valid_utf8(std::string& out, std::string_view s);

}  // namespace jot::detail
