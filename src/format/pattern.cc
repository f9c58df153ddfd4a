// The text pattern formatter: a pattern parsed once into segments.
#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "format/escape.h"
#include "format/level_mark.h"
#include "format/level_names.h"
#include "format/logfmt_escape.h"
#include "format/timestamp.h"
#include "format/value_text.h"
#include "jot/formatter.h"

namespace jot {

namespace {

enum class token {
  literal,
  timestamp,
  iso8601,
  date,
  time,
  epoch_ns,
  level,
  level_lower,
  logger,
  thread_id,
  thread_name,
  file,
  path,
  line,
  source,
  function,
  message,
  fields,
};

struct token_name {
  std::string_view name;
  token tok;
};

constexpr token_name token_names[] = {
    {"timestamp", token::timestamp},
    {"iso8601", token::iso8601},
    {"date", token::date},
    {"time", token::time},
    {"epoch_ns", token::epoch_ns},
    {"level", token::level},
    {"level_lower", token::level_lower},
    {"logger", token::logger},
    {"thread_id", token::thread_id},
    {"thread_name", token::thread_name},
    {"file", token::file},
    {"path", token::path},
    {"line", token::line},
    {"source", token::source},
    {"function", token::function},
    {"message", token::message},
    {"fields", token::fields},
};

struct segment {
  token tok = token::literal;
  std::string text;  // for literals
  bool align_right = false;
  std::size_t width = 0;
};

std::string_view base_name(std::string_view path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

std::vector<segment> parse_pattern(std::string_view p) {
  std::vector<segment> segs;
  std::string lit;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '}') {
      if (i + 1 < p.size() && p[i + 1] == '}') {
        lit.push_back('}');
        ++i;
        continue;
      }
      throw config_error(fmt::format("pattern: unmatched '}}' at offset {}", i));
    }
    if (c != '{') {
      lit.push_back(c);
      continue;
    }
    if (i + 1 < p.size() && p[i + 1] == '{') {
      lit.push_back('{');
      ++i;
      continue;
    }
    const auto close = p.find('}', i);
    if (close == std::string_view::npos) {
      throw config_error(fmt::format("pattern: '{{' at offset {} is not closed", i));
    }
    std::string_view body = p.substr(i + 1, close - i - 1);
    segment seg;
    if (const auto colon = body.find(':'); colon != std::string_view::npos) {
      std::string_view spec = body.substr(colon + 1);
      body = body.substr(0, colon);
      if (!spec.empty() && (spec[0] == '<' || spec[0] == '>')) {
        seg.align_right = spec[0] == '>';
        spec.remove_prefix(1);
      }
      const auto r = std::from_chars(spec.data(), spec.data() + spec.size(), seg.width);
      if (spec.empty() || r.ec != std::errc() || r.ptr != spec.data() + spec.size() ||
          seg.width > 1024) {
        throw config_error(fmt::format("pattern: bad width in '{{{}}}': expected [<|>]N",
                                       p.substr(i + 1, close - i - 1)));
      }
    }
    bool known = false;
    for (const auto& t : token_names) {
      if (t.name == body) {
        seg.tok = t.tok;
        known = true;
      }
    }
    if (!known) throw config_error(fmt::format("pattern: unknown token '{{{}}}'", body));
    if (!lit.empty()) {
      segs.push_back({token::literal, std::move(lit), false, 0});
      lit.clear();
    }
    segs.push_back(std::move(seg));
    i = close;
  }
  if (!lit.empty()) segs.push_back({token::literal, std::move(lit), false, 0});
  return segs;
}

class pattern_formatter_impl final : public formatter {
 public:
  pattern_formatter_impl(std::string_view pattern, time_zone tz)
      : segments_(parse_pattern(pattern)), time_(tz) {}
  pattern_formatter_impl(std::vector<segment> segments, time_zone tz)
      : segments_(std::move(segments)), time_(tz) {}

  void format(const record_view& r, std::string& out) override {
    const std::size_t line_start = out.size();
    std::size_t level_at = 0;
    std::size_t level_length = 0;
    for (const segment& s : segments_) {
      const std::size_t start = out.size();
      append_token(s, r, out);
      const std::size_t written = out.size() - start;
      std::size_t pad = 0;
      if (written < s.width) {
        pad = s.width - written;
        if (s.align_right) {
          out.insert(start, pad, ' ');
        } else {
          out.append(pad, ' ');
        }
      }
      if (level_length == 0 && (s.tok == token::level || s.tok == token::level_lower)) {
        level_at = start + (s.align_right ? pad : 0) - line_start;
        level_length = written;
      }
    }
    out.push_back('\n');
    detail::tls_level_marks.note(
        {out.data() + line_start, out.size() - line_start, level_at, level_length});
  }

  // The pattern and the time zone; the caches start afresh.
  std::unique_ptr<formatter> copy_for_thread() const override {
    return std::make_unique<pattern_formatter_impl>(segments_, time_.zone());
  }

 private:
  void append_token(const segment& s, const record_view& r, std::string& out) {
    switch (s.tok) {
      case token::literal:
        out.append(s.text);
        break;
      case token::timestamp:
        time_.append_timestamp(out, r.time_ns);
        break;
      case token::iso8601:
        time_.append_iso8601(out, r.time_ns);
        break;
      case token::date:
        time_.append_date(out, r.time_ns);
        break;
      case token::time:
        time_.append_time(out, r.time_ns);
        break;
      case token::epoch_ns:
        fmt::format_to(std::back_inserter(out), "{}", r.time_ns);
        break;
      case token::level:
        out.append(to_string(r.lvl));
        break;
      case token::level_lower:
        out.append(detail::lower_level_name(r.lvl));
        break;
      case token::logger:
        detail::append_escaped_text(out, r.logger_name);
        break;
      case token::thread_id:
        append_uint(out, r.thread_id);
        break;
      case token::thread_name:
        detail::append_escaped_text(out, r.thread_name);
        break;
      case token::file:
        out.append(cached_base_name(r.file));
        break;
      case token::path:
        out.append(r.file);
        break;
      case token::line:
        append_uint(out, r.line);
        break;
      case token::source:
        out.append(cached_base_name(r.file));
        out.push_back(':');
        append_uint(out, r.line);
        break;
      case token::function:
        out.append(r.function);
        break;
      case token::message:
        detail::append_escaped_text(out, r.message);
        break;
      case token::fields:
        // " key=value" each, quoted and escaped as in logfmt.
        for (const field& f : r.fields) {
          out.push_back(' ');
          detail::append_logfmt_key(out, f.key);
          out.push_back('=');
          detail::append_value_logfmt(out, *f.val, scratch_);
        }
        break;
    }
  }

  // File names are __FILE__ strings, the same pointer for every record of
  // a call site: the base name is looked up once per file, not per record.
  std::string_view cached_base_name(std::string_view file) {
    if (file.data() != last_file_.data() || file.size() != last_file_.size()) {
      last_file_ = file;
      last_base_ = base_name(file);
    }
    return last_base_;
  }

  std::vector<segment> segments_;
  detail::time_cache time_;
  std::string scratch_;  // a container's text, before quoting
  std::string_view last_file_;
  std::string_view last_base_;
};

}  // namespace

std::shared_ptr<formatter> pattern_formatter(std::string_view pattern, time_zone tz) {
  return std::make_shared<pattern_formatter_impl>(pattern, tz);
}

}  // namespace jot
