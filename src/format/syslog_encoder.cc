#include "format/syslog_encoder.h"

#include <algorithm>
#include <ctime>
#include <string>
#include <vector>

#include "format/escape.h"
#include "format/logfmt_escape.h"
#include "format/timestamp.h"
#include "format/utf8.h"
#include "format/value_text.h"
#include "jot/formatter.h"

namespace jot::detail {

namespace {

constexpr std::string_view bom = "\xEF\xBB\xBF";
constexpr std::string_view fffd = "\xEF\xBF\xBD";
constexpr std::string_view otel_id = "opentelemetry";

bool is_trace_key(std::string_view k) noexcept {
  return k == "trace_id" || k == "span_id" || k == "trace_flags";
}

bool is_printable(unsigned char c) noexcept { return c >= 33 && c <= 126; }

// Copies `s` to `out`, replacing each maximal ill-formed UTF-8 subpart by
// U+FFFD; with `sd`, '"', '\' and ']' are escaped.
void append_utf8(std::string& out, std::string_view s, bool sd) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    // A run of ASCII that goes as it is, in one append.
    std::size_t j = i;
    while (j < n && p[j] < 0x80 && !(sd && (p[j] == '"' || p[j] == '\\' || p[j] == ']'))) ++j;
    out.append(s.data() + i, j - i);
    i = j;
    if (i == n) break;
    const unsigned char c = p[i];
    if (c < 0x80) {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    std::size_t bad = 0;
    const std::size_t len = utf8_sequence(p, i, n, bad);
    if (len != 0) {
      out.append(s.data() + i, len);
      i += len;
    } else {
      out.append(fffd);
      i += bad;
    }
  }
}

// The start of the last character that begins at or before `at` in valid
// UTF-8 `s` (so that s[0, result) holds whole characters only).
std::size_t char_boundary(std::string_view s, std::size_t at) noexcept {
  if (at >= s.size()) return s.size();
  while (at > 0 && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;
  return at;
}

// "<PRI>"
void append_pri(std::string& out, const record_view& r, const syslog_encoding& e) {
  const int facility = std::clamp(e.facility, 0, 23);
  out.push_back('<');
  append_integer(out, facility * 8 + syslog_severity(r.lvl));
  out.push_back('>');
}

// 2026-11-22T07:26:06.123456Z
void append_timestamp_us(std::string& out, std::int64_t ns) {
  char buf[32];
  write_rfc3339_utc(buf, ns);
  out.append(buf, 26);  // through the sixth fractional digit
  out.push_back('Z');
}

// Mmm dd hh:mm:ss, local time, as syslog(3) writes it.
void append_bsd_timestamp(std::string& out, std::int64_t ns) {
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(ns / 1'000'000'000);
  if (ns < 0 && ns % 1'000'000'000 != 0) --t;
  std::tm tm{};
  localtime_r(&t, &tm);
  out.append(months[static_cast<std::size_t>(std::clamp(tm.tm_mon, 0, 11))]);
  out.push_back(' ');
  if (tm.tm_mday < 10) out.push_back(' ');
  append_integer(out, tm.tm_mday);
  char hms[9];
  const auto two = [](char* p, int v) {
    p[0] = static_cast<char>('0' + v / 10 % 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  two(hms, tm.tm_hour);
  hms[2] = ':';
  two(hms + 3, tm.tm_min);
  hms[5] = ':';
  two(hms + 6, tm.tm_sec);
  hms[8] = '\0';
  out.push_back(' ');
  out.append(hms, 8);
}

// One SD-ELEMENT's parameters, each rendered on its own so that a message
// that is too long can keep whole parameters only.
struct sd_element {
  std::string_view id;
  std::vector<std::string> params;  // ` name="value"`
};

void add_param(sd_element& el, const field& f, std::string& scratch) {
  std::string p = " ";
  append_sd_name(p, f.key);
  p.append("=\"");
  scratch.clear();
  append_value_text(scratch, *f.val);
  append_sd_value(p, scratch);
  p.push_back('"');
  el.params.push_back(std::move(p));
}

// Appends the elements' parameters while the total stays within `budget`
// bytes ("-" if none fits or there are none). Returns true if all fitted.
bool append_sd(std::string& out, const sd_element* els, std::size_t count, std::size_t budget) {
  const std::size_t start = out.size();
  bool all = true;
  for (std::size_t k = 0; k < count; ++k) {
    const sd_element& el = els[k];
    if (el.params.empty()) continue;
    const std::size_t open_at = out.size();
    out.push_back('[');
    append_sd_name(out, el.id);
    const std::size_t header_at = out.size();
    for (const std::string& p : el.params) {
      if (out.size() - start + p.size() + 1 > budget) {
        all = false;
        continue;
      }
      out.append(p);
    }
    if (out.size() == header_at) {
      out.resize(open_at);  // no parameter fitted: leave the element out
    } else {
      out.push_back(']');
    }
  }
  if (out.size() == start) out.push_back('-');
  return all;
}

// The structured data, straight into `out`: the usual case, where the
// whole message fits.
void append_sd_direct(std::string& out, const record_view& r, std::string_view sd_id) {
  thread_local std::string scratch;
  const std::size_t at = out.size();
  for (int pass = 0; pass < 2; ++pass) {
    bool open = false;
    for (const field& f : r.fields) {
      if (is_trace_key(f.key) != (pass == 1)) continue;
      if (!open) {
        out.push_back('[');
        append_sd_name(out, pass == 0 ? sd_id : otel_id);
        open = true;
      }
      out.push_back(' ');
      append_sd_name(out, f.key);
      out.append("=\"");
      if (f.val->type == value_type::string) {
        append_sd_value(out, f.val->text);
      } else {
        scratch.clear();
        append_value_text(scratch, *f.val);
        append_sd_value(out, scratch);
      }
      out.push_back('"');
    }
    if (open) out.push_back(']');
  }
  if (out.size() == at) out.push_back('-');
}

bool encode_5424(std::string& out, const record_view& r, const syslog_encoding& e,
                 std::uint32_t pid) {
  const std::size_t start = out.size();
  append_pri(out, r, e);
  out.append("1 ");
  append_timestamp_us(out, r.time_ns);
  out.push_back(' ');
  append_syslog_header_field(out, e.hostname, 255);
  out.push_back(' ');
  append_syslog_header_field(out, e.app_name, 48);
  out.push_back(' ');
  append_integer(out, pid);
  out.push_back(' ');
  append_syslog_header_field(out, r.logger_name, 32);
  out.push_back(' ');
  const std::size_t header = out.size() - start;

  const std::size_t max = std::max(e.max_bytes, min_syslog_bytes);
  append_sd_direct(out, r, e.sd_id);
  if (!r.message.empty()) {
    out.push_back(' ');
    out.append(bom);
    append_valid_utf8(out, r.message);
  }
  if (out.size() - start <= max) return false;

  out.resize(start + header);
  sd_element els[2] = {{e.sd_id, {}}, {otel_id, {}}};
  std::string scratch;
  for (const field& f : r.fields) add_param(els[is_trace_key(f.key) ? 1 : 0], f, scratch);
  std::string msg;
  if (!r.message.empty()) {
    msg.append(" ");
    msg.append(bom);
    append_valid_utf8(msg, r.message);
  }
  // Too long: the structured data keeps what fits in the room left after a
  // short start of the message, and the message is cut to what remains.
  const std::size_t room = max - header;
  const std::size_t cut_reserve = 1 + bom.size() + syslog_cut_marker.size();
  const std::size_t msg_keep = std::min<std::size_t>(msg.size(), 64) + cut_reserve;
  append_sd(out, els, 2, room > msg_keep ? room - msg_keep : 0);
  const std::size_t used = out.size() - start;
  if (used + msg.size() <= max) {
    out.append(msg);
  } else if (used + cut_reserve <= max) {
    const std::size_t keep = char_boundary(msg, max - used - syslog_cut_marker.size());
    out.append(msg, 0, std::max(keep, 1 + bom.size()));
    out.append(syslog_cut_marker);
  }
  return true;
}

bool encode_3164(std::string& out, const record_view& r, const syslog_encoding& e,
                 std::uint32_t pid) {
  const std::size_t start = out.size();
  append_pri(out, r, e);
  append_bsd_timestamp(out, r.time_ns);
  out.push_back(' ');
  append_syslog_header_field(out, e.app_name, 48);
  out.push_back('[');
  append_integer(out, pid);
  out.append("]: ");
  std::string text;
  append_escaped_text(text, r.message);
  std::string scratch;
  for (const field& f : r.fields) {
    text.push_back(' ');
    append_logfmt_key(text, f.key);
    text.push_back('=');
    append_value_logfmt(text, *f.val, scratch);
  }
  std::string valid;
  append_valid_utf8(valid, text);
  const std::size_t max = std::max(e.max_bytes, min_syslog_bytes);
  const std::size_t header = out.size() - start;
  if (header + valid.size() <= max) {
    out.append(valid);
    return false;
  }
  const std::size_t keep = char_boundary(valid, max - header - syslog_cut_marker.size());
  out.append(valid, 0, keep);
  out.append(syslog_cut_marker);
  return true;
}

}  // namespace

int syslog_severity(level l) noexcept {
  switch (l) {
    case level::trace:
    case level::debug:
      return 7;
    case level::info:
      return 6;
    case level::warn:
      return 4;
    case level::error:
      return 3;
    case level::critical:
      return 2;
    default:
      return 5;  // notice: not a level a record has
  }
}

void append_syslog_header_field(std::string& out, std::string_view s, std::size_t max) {
  if (s.empty()) {
    out.push_back('-');
    return;
  }
  const std::size_t n = std::min(s.size(), max);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.push_back(is_printable(c) ? static_cast<char>(c) : '_');
  }
}

void append_sd_name(std::string& out, std::string_view s) {
  if (s.empty()) {
    out.push_back('_');
    return;
  }
  const std::size_t n = std::min<std::size_t>(s.size(), 32);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const bool ok = is_printable(c) && c != '=' && c != ']' && c != '"';
    out.push_back(ok ? static_cast<char>(c) : '_');
  }
}

void append_sd_value(std::string& out, std::string_view s) { append_utf8(out, s, true); }

void append_valid_utf8(std::string& out, std::string_view s) { append_utf8(out, s, false); }

bool encode_syslog(std::string& out, const record_view& r, const syslog_encoding& e,
                   std::uint32_t pid) {
  return e.style == syslog_style::rfc3164 ? encode_3164(out, r, e, pid)
                                          : encode_5424(out, r, e, pid);
}

}  // namespace jot::detail
