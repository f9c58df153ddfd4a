#include <memory>
#include <string>

#include "jot/sink.h"
#include "sinks/path_file.h"

namespace jot {

namespace {

class file_sink_impl final : public sink {
 public:
  file_sink_impl(std::string path, file_options o)
      : sink(std::move(o.format)), file_(std::move(path), o.buffer_bytes, o.truncate) {}

  void write(const record_view&, std::string_view line) override { file_.append(line); }
  void flush() override { file_.drain(); }
  bool holds_unwritten() const noexcept override { return file_.holds_unwritten(); }
  void sync() override { file_.sync(); }

 private:
  detail::path_file file_;
};

}  // namespace

std::shared_ptr<sink> file_sink(std::string path, file_options options) {
  return std::make_shared<file_sink_impl>(std::move(path), std::move(options));
}

}  // namespace jot
