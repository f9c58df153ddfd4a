// The names of rotated files (jot::rotated_names): making them, and
// finding those of one sink in its directory. Any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "jot/sink.h"

namespace jot::detail {

// One rotated file, in whatever forms are present: the original
// (`app.log.000007`), its compressed copy (`.gz`), and a compression that
// did not finish (`.gz.tmp`).
struct rotated_file {
  std::uint64_t key = 0;  // orders by time: sequence number or yyyymmddhhmmssmmm
  bool plain = false;
  bool gz = false;
  bool gz_tmp = false;
  std::uint64_t bytes = 0;    // of the original and the .gz
  std::int64_t mtime_ns = 0;  // the newest of them
};

class rotated_naming {
 public:
  rotated_naming(const std::string& path, rotated_names kind, bool utc);

  const std::string& dir() const noexcept { return dir_; }
  // The rotated file's path, without a compression suffix.
  std::string path_of(std::uint64_t key) const;
  // The key for a rotation at `time_ns`: greater than `last` (the newest
  // key in use), so names stay in order even when the clock went back.
  std::uint64_t key_after(std::uint64_t last, std::int64_t time_ns) const;
  // This sink's rotated files in the directory, oldest first. Returns 0, or
  // the errno of a directory that cannot be read. Other names are skipped.
  int scan(std::vector<rotated_file>& out) const;

 private:
  // Parses a directory entry; form: 0 original, 1 .gz, 2 .gz.tmp.
  bool parse(std::string_view name, std::uint64_t& key, int& form) const;

  std::string dir_;
  std::string base_;  // file name of the active file
  rotated_names kind_;
  bool utc_;
};

}  // namespace jot::detail
