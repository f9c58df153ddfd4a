// fork() called from inside a sink, a formatter or the error handler (to
// run a program, say) returns, in every delivery mode, instead of waiting
// for a lock its own thread holds; the child runs and exits.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

// Forks a child that exits with 7 at once, and keeps its exit status.
int fork_and_wait() {
  const pid_t pid = fork();
  if (pid == 0) _exit(7);
  if (pid < 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class forking_sink final : public jot::sink {
 public:
  void write(const jot::record_view&, std::string_view) override {
    statuses.push_back(fork_and_wait());
  }
  void flush() override {}
  std::vector<int> statuses;
};

class forking_formatter final : public jot::formatter {
 public:
  void format(const jot::record_view& r, std::string& out) override {
    status = fork_and_wait();
    out.assign(r.message);
  }
  std::atomic<int> status{0};
};

class throwing_sink final : public jot::sink {
 public:
  void write(const jot::record_view&, std::string_view) override {
    throw std::runtime_error("no space");
  }
  void flush() override {}
};

std::atomic<int> g_handler_status{0};

class fork_from_inside_jot : public ::testing::Test {
 protected:
  void SetUp() override {
    // A deadlock fails the test instead of hanging it.
    std::signal(SIGALRM, SIG_DFL);
    alarm(120);
  }
  void TearDown() override { alarm(0); }
};

TEST_F(fork_from_inside_jot, in_every_delivery_mode) {
  jot::options opts;
  opts.error_handler = [](std::string_view) { g_handler_status = fork_and_wait(); };
  ASSERT_TRUE(jot::start(opts));
  for (const jot::delivery d :
       {jot::delivery::async, jot::delivery::async_eager, jot::delivery::sync}) {
    const std::string name = "forking-" + std::to_string(static_cast<int>(d));
    auto sink = std::make_shared<forking_sink>();
    auto fmt = std::make_shared<forking_formatter>();
    auto with_formatter = std::make_shared<jot::test::capture_sink>(fmt);
    auto& log = jot::make_logger(name, {sink, with_formatter});
    log.set_delivery(d);
    JOT_INFO(log, "one");
    JOT_INFO(log, "two");
    jot::flush();
    EXPECT_EQ(sink->statuses, (std::vector<int>{7, 7})) << name;
    EXPECT_EQ(fmt->status.load(), 7) << name;
    EXPECT_EQ(with_formatter->lines(), (std::vector<std::string>{"one", "two"})) << name;

    auto& failing = jot::make_logger(name + "-failing", {std::make_shared<throwing_sink>()});
    failing.set_delivery(d);
    g_handler_status = 0;
    JOT_INFO(failing, "fails");
    jot::flush();
    EXPECT_EQ(g_handler_status.load(), 7) << name;
  }
  jot::shutdown();
}

}  // namespace
