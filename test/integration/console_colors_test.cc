// The console sink colours level names on a terminal, not in a file or
// pipe, never when NO_COLOR is set, and as told when told.
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

// Points standard output (or `stream`) at `fd` for the life of the object.
class stdout_to {
 public:
  explicit stdout_to(int fd, int stream = STDOUT_FILENO) : stream_(stream), saved_(::dup(stream)) {
    ::dup2(fd, stream);
  }
  ~stdout_to() {
    ::dup2(saved_, stream_);
    ::close(saved_);
  }
  stdout_to(const stdout_to&) = delete;
  stdout_to& operator=(const stdout_to&) = delete;

 private:
  int stream_;
  int saved_;
};

// Logs one warn and one info record through a console sink made while
// standard output is `fd`.
void log_two(const std::string& name, int fd, jot::console_colors colors) {
  const stdout_to redirect(fd);
  const jot::logger& log = jot::make_logger(
      name, {jot::console_sink(jot::console_stream::out,
                               jot::pattern_formatter("{level} {logger}: {message}"), colors)});
  JOT_WARN(log, "disk {}% full", 91);
  JOT_INFO(log, "info in {}", "lower case: info");
  jot::flush();
}

std::string file_output(const std::string& name, jot::console_colors colors) {
  const std::string path = jot::test::temp_path(name);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  EXPECT_GE(fd, 0);
  log_two(name, fd, colors);
  ::close(fd);
  return jot::test::read_file(path);
}

// What a terminal shows: the sink writes to a pseudo-terminal.
std::string terminal_output(const std::string& name) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  EXPECT_GE(master, 0);
  EXPECT_EQ(::grantpt(master), 0);
  EXPECT_EQ(::unlockpt(master), 0);
  const int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
  EXPECT_GE(slave, 0);
  termios raw{};
  ::tcgetattr(slave, &raw);
  ::cfmakeraw(&raw);  // no "\n" -> "\r\n"
  ::tcsetattr(slave, TCSANOW, &raw);
  log_two(name, slave, jot::console_colors::automatic);
  std::string out;
  ::fcntl(master, F_SETFL, O_NONBLOCK);
  char buf[4096];
  for (ssize_t n; (n = ::read(master, buf, sizeof buf)) > 0;) out.append(buf, buf + n);
  ::close(slave);
  ::close(master);
  return out;
}

const std::string colored =
    "\x1b[33mWARN\x1b[0m always: disk 91% full\n"
    "\x1b[32mINFO\x1b[0m always: info in lower case: info\n";

TEST(console_colors, always_colors_the_level_name) {
  EXPECT_EQ(file_output("always", jot::console_colors::always), colored);
}

TEST(console_colors, never_and_files_and_pipes_stay_plain) {
  EXPECT_EQ(file_output("never", jot::console_colors::never),
            "WARN never: disk 91% full\nINFO never: info in lower case: info\n");
  EXPECT_EQ(file_output("auto-file", jot::console_colors::automatic),
            "WARN auto-file: disk 91% full\nINFO auto-file: info in lower case: info\n");
}

TEST(console_colors, a_terminal_gets_colors_unless_no_color_is_set) {
  ::unsetenv("NO_COLOR");
  EXPECT_EQ(terminal_output("tty"),
            "\x1b[33mWARN\x1b[0m tty: disk 91% full\n\x1b[32mINFO\x1b[0m tty: info in lower case: "
            "info\n");
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_EQ(terminal_output("tty-no-color"),
            "WARN tty-no-color: disk 91% full\nINFO tty-no-color: info in lower case: info\n");
  ::setenv("NO_COLOR", "", 1);  // empty: as if unset
  EXPECT_NE(terminal_output("tty-empty").find("\x1b[33mWARN"), std::string::npos);
  ::unsetenv("NO_COLOR");
}

// Logs through a console sink with colours always on, to a file; returns
// what the file holds.
std::string always_output(const std::string& name, std::shared_ptr<jot::formatter> format,
                          std::shared_ptr<jot::formatter> other = nullptr) {
  const std::string path = jot::test::temp_path(name);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  EXPECT_GE(fd, 0);
  {
    const stdout_to redirect(fd);
    std::vector<std::shared_ptr<jot::sink>> sinks;
    // A sink with another formatter first: the console sink must still
    // find its own line's level.
    if (other) sinks.push_back(std::make_shared<jot::test::capture_sink>(other));
    sinks.push_back(
        jot::console_sink(jot::console_stream::out, format, jot::console_colors::always));
    const jot::logger& log = jot::make_logger(name, sinks);
    JOT_WARN(log, "INFO WARN warn {}", "info");
    jot::flush();
  }
  ::close(fd);
  return jot::test::read_file(path);
}

TEST(console_colors, only_the_level_token_is_colored_not_the_message) {
  EXPECT_EQ(always_output("late-level", jot::pattern_formatter("{message} [{level_lower:>7}]")),
            "INFO WARN warn info [   \x1b[33mwarn\x1b[0m]\n");
  EXPECT_EQ(always_output("two-formatters", jot::pattern_formatter("{message} {level}"),
                          jot::pattern_formatter("{level} {message}")),
            "INFO WARN warn info \x1b[33mWARN\x1b[0m\n");
}

TEST(console_colors, json_lines_stay_json_on_a_colored_console) {
  const std::string out = always_output("json", jot::json_formatter());
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_NE(out.find("\"level\":\"warn\""), std::string::npos) << out;
}

TEST(console_colors, marks_of_earlier_records_never_color_a_later_line) {
  // Logger A renders lines of the same length as B's with another pattern
  // (or B renders JSON), record after record, on the same writer: only
  // B's own level token may be coloured, and a JSON line never.
  const std::string path = jot::test::temp_path("stale-marks");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  {
    const stdout_to redirect(fd);
    auto other =
        std::make_shared<jot::test::capture_sink>(jot::pattern_formatter("{message} {level}"));
    const jot::logger& a = jot::make_logger("stale-a", {other});
    const jot::logger& b = jot::make_logger(
        "stale-b",
        {jot::console_sink(jot::console_stream::out, jot::pattern_formatter("{level} {message}"),
                           jot::console_colors::always)});
    const jot::logger& c = jot::make_logger(
        "stale-c", {jot::console_sink(jot::console_stream::out, jot::logfmt_formatter(),
                                      jot::console_colors::always)});
    for (int i = 0; i < 20; ++i) {
      JOT_WARN(a, "abcdefghijklmnop");
      JOT_WARN(b, "abcdefghijklmnop");
      JOT_WARN(a, "abcdefghijklmnop");
      JOT_WARN(c, "x");
    }
    jot::flush();
  }
  ::close(fd);
  int pattern_lines = 0;
  for (const std::string& line : jot::test::read_lines(path)) {
    if (line.starts_with("time=")) {
      EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    } else {
      EXPECT_EQ(line, "\x1b[33mWARN\x1b[0m abcdefghijklmnop");
      ++pattern_lines;
    }
  }
  EXPECT_EQ(pattern_lines, 20);
}

TEST(console_colors, stderr_sink_writes_to_standard_error_only) {
  const std::string err_path = jot::test::temp_path("stderr");
  const std::string out_path = jot::test::temp_path("stdout");
  const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(err_fd, 0);
  ASSERT_GE(out_fd, 0);
  {
    const stdout_to err(err_fd, STDERR_FILENO);
    const stdout_to out(out_fd);
    const jot::logger& log = jot::make_logger(
        "to-stderr",
        {jot::console_sink(jot::console_stream::err, jot::pattern_formatter("{level} {message}"),
                           jot::console_colors::always)});
    JOT_ERROR(log, "to {}", "stderr");
    jot::flush();
  }
  ::close(err_fd);
  ::close(out_fd);
  EXPECT_EQ(jot::test::read_file(err_path), "\x1b[31mERROR\x1b[0m to stderr\n");
  EXPECT_EQ(jot::test::read_file(out_path), "");
}

}  // namespace
