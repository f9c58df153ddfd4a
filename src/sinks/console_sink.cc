#include <unistd.h>

#include "jot/sink.h"
#include "sinks/fd_writer.h"

namespace jot {

namespace {

class console_sink_impl final : public sink {
 public:
  console_sink_impl(console_stream s, std::shared_ptr<formatter> f)
      : sink(std::move(f)),
        out_(s == console_stream::out ? "stdout" : "stderr", std::size_t{16} << 10) {
    out_.set_fd(s == console_stream::out ? STDOUT_FILENO : STDERR_FILENO);
  }
  ~console_sink_impl() override { out_.drain(); }

  void write(const record_view&, std::string_view line) override { out_.append(line); }
  void flush() override { out_.drain(); }

 private:
  detail::fd_writer out_;
};

}  // namespace

std::shared_ptr<sink> console_sink(console_stream stream, std::shared_ptr<formatter> format) {
  return std::make_shared<console_sink_impl>(stream, std::move(format));
}

}  // namespace jot
