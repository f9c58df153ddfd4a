#include "sinks/rotated_names.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <map>

#include <fmt/format.h>

namespace jot::detail {

namespace {

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::uint64_t to_number(std::string_view s) noexcept {
  std::uint64_t v = 0;
  for (const char c : s) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  return v;
}

constexpr std::size_t sequence_digits = 6;
// yyyymmdd-hhmmss.mmm
constexpr std::size_t stamp_chars = 19;

}  // namespace

rotated_naming::rotated_naming(const std::string& path, rotated_names kind, bool utc)
    : kind_(kind), utc_(utc) {
  const auto slash = path.rfind('/');
  dir_ = slash == std::string::npos ? std::string(1, '.') : path.substr(0, slash == 0 ? 1 : slash);
  base_ = slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string rotated_naming::path_of(std::uint64_t key) const {
  std::string name;
  if (kind_ == rotated_names::sequence) {
    name = fmt::format("{}.{:0{}}", base_, key, sequence_digits);
  } else {
    const std::string d = fmt::format("{:017}", key);
    name = fmt::format("{}.{}-{}.{}", base_, d.substr(0, 8), d.substr(8, 6), d.substr(14, 3));
  }
  return dir_ == "/" ? "/" + name : dir_ + "/" + name;
}

std::uint64_t rotated_naming::key_after(std::uint64_t last, std::int64_t time_ns) const {
  if (kind_ == rotated_names::sequence) return last + 1;
  const std::int64_t secs = time_ns >= 0 ? time_ns / 1'000'000'000 : 0;
  const auto ms = static_cast<std::uint64_t>(time_ns >= 0 ? (time_ns / 1'000'000) % 1000 : 0);
  const auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  if (utc_) {
    gmtime_r(&t, &tm);
  } else {
    localtime_r(&t, &tm);
  }
  const std::uint64_t stamp = ((((static_cast<std::uint64_t>(tm.tm_year + 1900) * 100 +
                                  static_cast<std::uint64_t>(tm.tm_mon + 1)) *
                                     100 +
                                 static_cast<std::uint64_t>(tm.tm_mday)) *
                                    100 +
                                static_cast<std::uint64_t>(tm.tm_hour)) *
                                   100 +
                               static_cast<std::uint64_t>(tm.tm_min)) *
                                  100 +
                              static_cast<std::uint64_t>(tm.tm_sec);
  // The clock went back (or two rotations in one millisecond): one past
  // the newest, which keeps the order and never names an existing file.
  return std::max(stamp * 1000 + ms, last + 1);
}

bool rotated_naming::parse(std::string_view name, std::uint64_t& key, int& form) const {
  if (name.size() <= base_.size() + 1 || name.substr(0, base_.size()) != base_ ||
      name[base_.size()] != '.') {
    return false;
  }
  std::string_view rest = name.substr(base_.size() + 1);
  std::string_view suffix;
  if (kind_ == rotated_names::sequence) {
    const auto dot = rest.find('.');
    const std::string_view digits = rest.substr(0, dot);
    if (digits.size() < sequence_digits || digits.size() > 18 || !all_digits(digits)) return false;
    key = to_number(digits);
    suffix = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot);
  } else {
    if (rest.size() < stamp_chars) return false;
    const std::string_view s = rest.substr(0, stamp_chars);
    if (!all_digits(s.substr(0, 8)) || s[8] != '-' || !all_digits(s.substr(9, 6)) || s[15] != '.' ||
        !all_digits(s.substr(16, 3))) {
      return false;
    }
    key = (to_number(s.substr(0, 8)) * 1'000'000 + to_number(s.substr(9, 6))) * 1000 +
          to_number(s.substr(16, 3));
    suffix = rest.substr(stamp_chars);
  }
  if (suffix.empty()) {
    form = 0;
  } else if (suffix == ".gz") {
    form = 1;
  } else if (suffix == ".gz.tmp") {
    form = 2;
  } else {
    return false;
  }
  return true;
}

int rotated_naming::scan(std::vector<rotated_file>& out) const {
  out.clear();
  DIR* d = ::opendir(dir_.c_str());
  if (d == nullptr) return errno;
  std::map<std::uint64_t, rotated_file> found;
  // readdir() is unsafe only on one stream shared by threads; this one is ours.
  while (const dirent* e = ::readdir(d)) {  // NOLINT(concurrency-mt-unsafe)
    std::uint64_t key = 0;
    int form = 0;
    if (!parse(e->d_name, key, form)) continue;
    struct stat st {};
    if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
      continue;
    }
    rotated_file& f = found[key];
    f.key = key;
    if (form == 2) {
      f.gz_tmp = true;
      continue;
    }
    (form == 0 ? f.plain : f.gz) = true;
    f.bytes += static_cast<std::uint64_t>(st.st_size);
    f.mtime_ns = std::max(f.mtime_ns, static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                                          st.st_mtim.tv_nsec);
  }
  ::closedir(d);
  out.reserve(found.size());
  for (auto& [key, f] : found) out.push_back(f);
  return 0;
}

}  // namespace jot::detail
