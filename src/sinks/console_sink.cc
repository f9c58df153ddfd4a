#include <unistd.h>

#include <array>
#include <cstdlib>

#include "format/level_mark.h"
#include "jot/formatter.h"
#include "jot/sink.h"
#include "sinks/fd_writer.h"

namespace jot {

namespace {

// SGR sequences per level (trace ... critical).
constexpr std::array<std::string_view, 6> level_colors = {"\x1b[2m",  "\x1b[2m",  "\x1b[32m",
                                                          "\x1b[33m", "\x1b[31m", "\x1b[1;31m"};
constexpr std::string_view color_reset = "\x1b[0m";

bool use_colors(console_colors c, int fd) {
  if (c != console_colors::automatic) return c == console_colors::always;
  // Read once, when the sink is made (at start-up, as a rule); nothing in
  // jot sets the environment.
  const char* no_color = std::getenv("NO_COLOR");  // NOLINT(concurrency-mt-unsafe)
  if (no_color != nullptr && *no_color != '\0') return false;
  return ::isatty(fd) == 1;
}

class console_sink_impl final : public sink {
 public:
  console_sink_impl(console_stream s, std::shared_ptr<formatter> f, console_colors c)
      : sink(std::move(f)),
        out_(s == console_stream::out ? "stdout" : "stderr", std::size_t{16} << 10) {
    const int fd = s == console_stream::out ? STDOUT_FILENO : STDERR_FILENO;
    out_.set_fd(fd);
    colors_ = use_colors(c, fd);
  }
  ~console_sink_impl() override { out_.drain(); }

  void write(const record_view& r, std::string_view line) override {
    const auto i = static_cast<std::size_t>(r.lvl);
    // Only the level token a pattern formatter wrote is coloured: a line
    // from another formatter (JSON, logfmt) is written as it is.
    const detail::level_mark* mark =
        colors_ && i < level_colors.size() ? detail::tls_level_marks.find(line) : nullptr;
    if (mark == nullptr) {
      out_.append(line);
      return;
    }
    out_.append(line.substr(0, mark->at));
    out_.append(level_colors[i]);
    out_.append(line.substr(mark->at, mark->length));
    out_.append(color_reset);
    out_.append(line.substr(mark->at + mark->length));
  }
  void flush() override { out_.drain(); }

 private:
  detail::fd_writer out_;
  bool colors_ = false;
};

}  // namespace

std::shared_ptr<sink> console_sink(console_stream stream, std::shared_ptr<formatter> format,
                                   console_colors colors) {
  return std::make_shared<console_sink_impl>(stream, std::move(format), colors);
}

}  // namespace jot
