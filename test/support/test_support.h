// Helpers shared by jot's tests.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <jot/chrono.h>
#include <jot/ranges.h>
#include <jot/setup.h>
#include <jot/std.h>

namespace jot::test {

// A fresh path under the test temp directory ($TMPDIR or /tmp), unique per
// process and call; the file does not exist yet.
std::string temp_path(std::string_view name);

std::string read_file(const std::string& path);
// Lines without their '\n'; a last line without one is kept too.
std::vector<std::string> read_lines(const std::string& path);

// Keeps every line it is given, in order.
class capture_sink final : public jot::sink {
 public:
  explicit capture_sink(std::shared_ptr<jot::formatter> f = nullptr) : sink(std::move(f)) {}
  void write(const jot::record_view&, std::string_view line) override {
    const std::lock_guard<std::mutex> lk(mu_);
    lines_.emplace_back(line);
  }
  void flush() override {
    const std::lock_guard<std::mutex> lk(mu_);
    ++flushes_;
  }
  std::vector<std::string> lines() const {
    const std::lock_guard<std::mutex> lk(mu_);
    return lines_;
  }
  int flushes() const {
    const std::lock_guard<std::mutex> lk(mu_);
    return flushes_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
  int flushes_ = 0;
};

// Holds the writer in its first write() until opened, then keeps the
// message of every record.
class gate_sink final : public jot::sink {
 public:
  gate_sink() : sink(jot::pattern_formatter("{message}")) {}
  void write(const jot::record_view& r, std::string_view) override {
    std::unique_lock<std::mutex> lk(mu_);
    ++seen_;
    opened_cv_.wait(lk, [this] { return open_; });
    messages_.emplace_back(r.message);
  }
  void flush() override {}
  void open() {
    {
      const std::lock_guard<std::mutex> lk(mu_);
      open_ = true;
    }
    opened_cv_.notify_all();
  }
  // Records the writer has handed over, the one it is held in included.
  std::size_t seen() {
    const std::lock_guard<std::mutex> lk(mu_);
    return seen_;
  }
  std::vector<std::string> messages() {
    const std::lock_guard<std::mutex> lk(mu_);
    return messages_;
  }

 private:
  std::mutex mu_;
  std::condition_variable opened_cv_;
  bool open_ = false;
  std::size_t seen_ = 0;
  std::vector<std::string> messages_;
};

// Collects what the error handler receives. The handler shares the
// messages, so it stays valid after the error_log is gone (jot may still
// report at exit, from shutdown).
class error_log {
 public:
  std::function<void(std::string_view)> handler() const {
    return [s = state_](std::string_view m) {
      const std::lock_guard<std::mutex> lk(s->mu);
      s->messages.emplace_back(m);
    };
  }
  std::vector<std::string> snapshot() const {
    const std::lock_guard<std::mutex> lk(state_->mu);
    return state_->messages;
  }
  // How many messages contain `a` (and `b`, if given).
  std::size_t count(std::string_view a, std::string_view b = {}) const {
    std::size_t n = 0;
    for (const std::string& m : snapshot()) {
      n += m.find(a) != std::string::npos && m.find(b) != std::string::npos ? 1 : 0;
    }
    return n;
  }

 private:
  struct state {
    std::mutex mu;
    std::vector<std::string> messages;
  };
  std::shared_ptr<state> state_ = std::make_shared<state>();
};

// For a test program whose cases share one jot: one error log for the
// whole program, and jot started once (by the first caller) with it as the
// error handler. Returns whether jot runs.
error_log& program_errors();
bool start_once_with_program_errors();

}  // namespace jot::test
