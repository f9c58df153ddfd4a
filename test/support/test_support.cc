#include "support/test_support.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

namespace jot::test {

namespace {

// Files handed out by temp_path(), removed at exit unless
// JOT_KEEP_TEST_FILES is set (to look at them after a failure).
struct temp_files {
  std::mutex mu;
  std::vector<std::string> paths;
  pid_t owner = ::getpid();  // a child after fork() must not remove them
  ~temp_files() {
    if (std::getenv("JOT_KEEP_TEST_FILES") != nullptr || ::getpid() != owner) return;
    for (const auto& p : paths) std::remove(p.c_str());
  }
};

temp_files& files() {
  static temp_files f;
  return f;
}

}  // namespace

std::string temp_path(std::string_view name) {
  static std::atomic<int> counter{0};
  temp_files& f = files();
  const char* dir = std::getenv("TMPDIR");
  std::string path = fmt::format("{}/jot-test-{}-{}-{}", dir != nullptr ? dir : "/tmp",
                                 static_cast<long>(::getpid()), counter.fetch_add(1), name);
  std::remove(path.c_str());
  const std::lock_guard<std::mutex> lk(f.mu);
  f.paths.push_back(path);
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> read_lines(const std::string& path) {
  const std::string all = read_file(path);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < all.size()) {
    const std::size_t nl = all.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(all.substr(start));
      break;
    }
    lines.push_back(all.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

error_log& program_errors() {
  static error_log log;
  return log;
}

bool start_once_with_program_errors() {
  static const bool started = [] {
    jot::options o;
    o.error_handler = program_errors().handler();
    return jot::start(o);
  }();
  return started;
}

}  // namespace jot::test
