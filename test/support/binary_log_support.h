// Helpers for the binary log's tests: decoding a file through the library
// call and running jot-cat.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <jot/binary_log.h>
#include <jot/setup.h>

#include "support/test_support.h"

namespace jot::test {

// Renders every record of a binary log with `f`; `problems` gets what
// read_binary_log() said.
inline std::string render_binary_log(const std::string& path, jot::formatter& f,
                                     std::string* problems = nullptr) {
  std::string out;
  const std::string p =
      jot::read_binary_log(path, [&](const jot::record_view& r) { f.format(r, out); });
  if (problems != nullptr) *problems = p;
  return out;
}

struct run_result {
  int status = -1;  // exit status, or -1 if it did not exit normally
  std::string out;  // standard output
  std::string err;  // standard error
};

// Runs jot-cat with `args` (already quoted for the shell).
inline run_result run_jot_cat(const std::string& args) {
  const std::string err_path = temp_path("jot-cat.err");
  const std::string cmd = std::string(JOT_CAT_PROGRAM) + " " + args + " 2>" + err_path;
  run_result r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = read_file(err_path);
  return r;
}

inline std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

}  // namespace jot::test
