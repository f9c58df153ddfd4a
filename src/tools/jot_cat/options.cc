#include "tools/jot_cat/options.h"

#include <charconv>

#include <fmt/format.h>

#include "jot/version.h"

namespace jot::cat {

namespace {

constexpr std::string_view usage =
    R"(Usage: jot-cat [OPTION]... FILE...
Prints jot binary logs (written by jot::binary_file_sink) as the text sinks
would have written them. Several files are merged in time order.

Output:
  -o, --output FORMAT   text (default), json or logfmt
  -p, --pattern PATTERN the text pattern (default: jot's default pattern)
      --local-time      the text pattern's times in local time, not UTC
      --ecs             JSON with Elastic Common Schema names
      --fields-key KEY  JSON: the fields in one object member KEY
      --thread          logfmt: write thread_id
      --source          logfmt: write source=file:line
Filters:
  -l, --level LEVEL     records at or above LEVEL (trace, debug, info, warn,
                        error, critical)
  -L, --logger NAME     records of this logger (may be repeated)
      --since TIME      records at or after TIME
      --until TIME      records before TIME
                        TIME: RFC 3339 (2026-11-22T07:26:06.5Z, an offset
                        such as +01:00, or none for UTC; the date alone is
                        midnight UTC), or nanoseconds since the Unix epoch
Other:
  -f, --follow          keep reading as the files grow
  -h, --help            this text
      --version         jot's version

Exit status: 0 if every file decoded whole; 1 if a file was damaged, cut
short or unreadable (the records before the damage are printed, and a
message on standard error says where and why); 2 for a usage error.
)";

std::optional<level> parse_level(std::string_view s) {
  constexpr std::string_view names[] = {"trace", "debug", "info", "warn", "error", "critical"};
  for (std::size_t i = 0; i < std::size(names); ++i) {
    if (s == names[i]) return static_cast<level>(i);
  }
  if (s == "warning") return level::warn;
  return std::nullopt;
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, unsigned& v) {
  if (at + n > s.size()) return false;
  v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_time(std::string_view s) {
  if (!s.empty() && s.find_first_not_of("-0123456789") == std::string_view::npos) {
    std::int64_t ns = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), ns);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return ns;
  }
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || mo < 1 || mo > 12 || d < 1 || d > 31) {
    return std::nullopt;
  }
  std::size_t i = 10;
  std::int64_t frac_ns = 0;
  std::int64_t offset_s = 0;
  if (i < s.size()) {
    if ((s[i] != 'T' && s[i] != 't' && s[i] != ' ') || !digits(s, i + 1, 2, h) ||
        s.size() < i + 9 || s[i + 3] != ':' || !digits(s, i + 4, 2, mi) || s[i + 6] != ':' ||
        !digits(s, i + 7, 2, sec) || h > 23 || mi > 59 || sec > 60) {
      return std::nullopt;
    }
    i += 9;
    if (i < s.size() && s[i] == '.') {
      ++i;
      std::int64_t scale = 100'000'000;
      const std::size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        frac_ns += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
      if (i == start) return std::nullopt;
    }
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
      ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      unsigned oh = 0, om = 0;
      if (!digits(s, i + 1, 2, oh) || s.size() < i + 6 || s[i + 3] != ':' ||
          !digits(s, i + 4, 2, om)) {
        return std::nullopt;
      }
      offset_s = (s[i] == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
      i += 6;
    }
    if (i != s.size()) return std::nullopt;
  }
  const std::int64_t secs = days_from_civil(y, mo, d) * 86400 + std::int64_t{h} * 3600 +
                            std::int64_t{mi} * 60 + sec - offset_s;
  return secs * 1'000'000'000 + frac_ns;
}

std::optional<options> parse(const std::vector<std::string_view>& args, std::string& message,
                             int& exit_code) {
  options o;
  exit_code = 2;
  auto fail = [&](std::string m) {
    message = fmt::format("jot-cat: {}\nTry 'jot-cat --help'.\n", m);
    return std::nullopt;
  };
  bool only_files = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (only_files || a.empty() || a[0] != '-' || a == "-") {
      o.files.emplace_back(a);
      continue;
    }
    // --name=value and -x value
    std::string_view name = a;
    std::optional<std::string_view> inline_value;
    if (a.starts_with("--")) {
      if (const auto eq = a.find('='); eq != std::string_view::npos) {
        name = a.substr(0, eq);
        inline_value = a.substr(eq + 1);
      }
    }
    auto value = [&]() -> std::optional<std::string_view> {
      if (inline_value) return inline_value;
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    auto is = [&](std::string_view s, std::string_view l) { return name == s || name == l; };
    if (name == "--") {
      only_files = true;
    } else if (is("-h", "--help")) {
      message = std::string(usage);
      exit_code = 0;
      return std::nullopt;
    } else if (name == "--version") {
      message = fmt::format("jot-cat (jot) {}.{}.{}\n", JOT_VERSION_MAJOR, JOT_VERSION_MINOR,
                            JOT_VERSION_PATCH);
      exit_code = 0;
      return std::nullopt;
    } else if (is("-f", "--follow")) {
      o.follow = true;
    } else if (name == "--local-time") {
      o.tz = time_zone::local;
    } else if (name == "--ecs") {
      o.ecs = true;
    } else if (name == "--thread") {
      o.logfmt_thread = true;
    } else if (name == "--source") {
      o.logfmt_source = true;
    } else {
      const auto v = value();
      if (!v) return fail(fmt::format("option {} needs a value", name));
      if (is("-o", "--output")) {
        if (*v == "text") {
          o.out = output::text;
        } else if (*v == "json") {
          o.out = output::json;
        } else if (*v == "logfmt") {
          o.out = output::logfmt;
        } else {
          return fail(fmt::format("unknown output '{}' (text, json or logfmt)", *v));
        }
      } else if (is("-p", "--pattern")) {
        o.pattern = *v;
      } else if (name == "--fields-key") {
        o.fields_key = *v;
      } else if (is("-l", "--level")) {
        const auto l = parse_level(*v);
        if (!l) return fail(fmt::format("unknown level '{}'", *v));
        o.min_level = *l;
      } else if (is("-L", "--logger")) {
        o.loggers.emplace_back(*v);
      } else if (name == "--since" || name == "--until") {
        const auto t = parse_time(*v);
        if (!t) return fail(fmt::format("cannot read the time '{}'", *v));
        (name == "--since" ? o.since_ns : o.until_ns) = *t;
      } else {
        return fail(fmt::format("unknown option {}", name));
      }
    }
  }
  if (o.files.empty()) return fail("no file given");
  return o;
}

}  // namespace jot::cat
