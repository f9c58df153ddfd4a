// jot-cat: prints jot binary logs as text, JSON lines or logfmt, through
// jot's own decoder and formatters.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "jot/binary_log.h"
#include "jot/formatter.h"
#include "platform/error_text.h"
#include "tools/jot_cat/options.h"

namespace {

using jot::binary_log_reader;

// One input: its file, its reader and the record it holds next.
struct input {
  std::string path;
  int fd = -1;
  ino_t ino = 0;
  std::unique_ptr<binary_log_reader> reader = std::make_unique<binary_log_reader>();
  jot::record_view head;
  bool has_head = false;
  bool at_end = false;    // read(2) returned 0 (more may come when following)
  bool done = false;      // nothing more will come from it
  bool replaced = false;  // following: a new file has its name; read the old one to its end
};

class cat {
 public:
  explicit cat(const jot::cat::options& o) : o_(o) {
    switch (o.out) {
      case jot::cat::output::text:
        format_ = jot::pattern_formatter(o.pattern, o.tz);
        break;
      case jot::cat::output::json: {
        jot::json_options j;
        if (o.ecs) j.keys = jot::ecs_keys;
        j.fields_key = o.fields_key;
        format_ = jot::json_formatter(j);
        break;
      }
      case jot::cat::output::logfmt:
        format_ = jot::logfmt_formatter({o.logfmt_thread, o.logfmt_source});
        break;
    }
    for (const std::string& p : o.files) {
      auto& in = inputs_.emplace_back();
      in.path = p;
      open(in);
    }
  }

  int run() {
    for (;;) {
      // Each input with no record in hand reads until it has one, or has
      // nothing more for now.
      for (input& in : inputs_) fill(in);
      input* first = nullptr;
      bool waiting = false;
      for (input& in : inputs_) {
        if (in.has_head) {
          if (first == nullptr || in.head.time_ns < first->head.time_ns) first = &in;
        } else if (!in.done) {
          waiting = true;
        }
      }
      // Merging: a record goes out once every input has one in hand or
      // has ended, so that the output is in time order. When following,
      // an input that has nothing new holds no one back.
      if (broken_) break;
      if (first != nullptr && (!waiting || o_.follow)) {
        print(first->head);
        first->has_head = false;
        continue;
      }
      if (!waiting) break;
      flush_out();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      for (input& in : inputs_) {
        in.at_end = false;
        reopen_if_replaced(in);
      }
    }
    flush_out();
    for (input& in : inputs_) {
      if (in.fd > 0) ::close(in.fd);
    }
    return status_;
  }

 private:
  void problem(const input& in, std::string_view what) {
    fmt::print(stderr, "jot-cat: {}: {}\n", in.path, what);
    status_ = 1;
  }

  void open(input& in) {
    in.fd = in.path == "-" ? 0 : ::open(in.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (in.fd < 0) {
      problem(in, fmt::format("cannot open: {}", jot::detail::error_text(errno)));
      in.done = true;
      return;
    }
    struct stat st {};
    if (::fstat(in.fd, &st) == 0) in.ino = st.st_ino;
  }

  // Following: a file replaced under its name (rotated) is read to its
  // end, then the new one from its start.
  void reopen_if_replaced(input& in) {
    if (!o_.follow || in.done || in.path == "-") return;
    struct stat st {};
    if (::stat(in.path.c_str(), &st) == 0 && st.st_ino != in.ino) in.replaced = true;
  }

  // Reports how the input ended (cut short, damaged to the end).
  void finish(input& in) {
    if (in.reader->fatal()) return;  // told already
    const std::string why = in.reader->finish();
    if (!why.empty()) problem(in, why);
  }

  void fill(input& in) {
    while (!in.has_head && !in.done) {
      const binary_log_reader::status s = in.reader->next(in.head);
      if (s == binary_log_reader::status::record) {
        if (wanted(in.head)) in.has_head = true;
        continue;
      }
      if (s == binary_log_reader::status::failed) {
        problem(in, in.reader->error());
        if (in.reader->fatal()) in.done = true;
        continue;
      }
      if (in.at_end) {
        if (!o_.follow) {
          finish(in);
          in.done = true;
        }
        return;
      }
      char buf[1 << 16];
      const ssize_t n = ::read(in.fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        problem(in, fmt::format("cannot read: {}", jot::detail::error_text(errno)));
        in.done = true;
      } else if (n == 0 && in.replaced) {
        finish(in);
        ::close(in.fd);
        in.reader = std::make_unique<binary_log_reader>();
        in.replaced = false;
        open(in);
      } else if (n == 0) {
        in.at_end = true;
        if (!o_.follow) in.reader->close_input();
      } else {
        in.reader->feed(std::string_view(buf, static_cast<std::size_t>(n)));
      }
    }
  }

  bool wanted(const jot::record_view& r) const {
    if (r.lvl < o_.min_level || r.time_ns < o_.since_ns || r.time_ns >= o_.until_ns) return false;
    if (o_.loggers.empty()) return true;
    return std::find(o_.loggers.begin(), o_.loggers.end(), r.logger_name) != o_.loggers.end();
  }

  void print(const jot::record_view& r) {
    format_->format(r, out_);
    if (out_.size() >= (std::size_t{1} << 16)) flush_out();
  }

  void flush_out() {
    const char* p = out_.data();
    std::size_t n = out_.size();
    while (n > 0) {
      const ssize_t w = ::write(1, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        // Standard output is gone (a closed pipe, a full disk): stop.
        fmt::print(stderr, "jot-cat: cannot write: {}\n", jot::detail::error_text(errno));
        status_ = 1;
        broken_ = true;
        out_.clear();
        return;
      }
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    out_.clear();
  }

  const jot::cat::options& o_;
  std::shared_ptr<jot::formatter> format_;
  std::vector<input> inputs_;
  std::string out_;
  int status_ = 0;
  bool broken_ = false;  // standard output failed
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  std::string message;
  int code = 0;
  std::optional<jot::cat::options> o;
  try {
    o = jot::cat::parse(args, message, code);
  } catch (const jot::config_error& e) {
    fmt::print(stderr, "jot-cat: {}\n", e.what());
    return 2;
  }
  if (!o) {
    fmt::print(code == 0 ? stdout : stderr, "{}", message);
    return code;
  }
  try {
    cat c(*o);
    return c.run();
  } catch (const jot::config_error& e) {
    fmt::print(stderr, "jot-cat: {}\n", e.what());
    return 2;
  }
}
