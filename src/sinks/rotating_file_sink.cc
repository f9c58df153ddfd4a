// rotating_file_sink(): a text file sink whose file rotates (the rotation
// itself is file_rotation's).
#include <memory>
#include <string>
#include <utility>

#include "jot/sink.h"
#include "sinks/file_rotation.h"

namespace jot {

namespace {

class rotating_file_sink_impl final : public sink {
 public:
  rotating_file_sink_impl(std::string path, rotation_options o)
      : sink(o.format), rotation_(std::move(path), std::move(o)) {}

  void write(const record_view& rec, std::string_view line) override {
    if (rotation_.due(rec.time_ns, line.size())) rotation_.rotate(rec.time_ns);
    rotation_.file().append(line);
  }

  void flush() override { rotation_.file().drain(); }
  bool holds_unwritten() const noexcept override { return rotation_.file().holds_unwritten(); }
  void sync() override { rotation_.file().sync(); }

 private:
  detail::file_rotation rotation_;
};

}  // namespace

std::shared_ptr<sink> rotating_file_sink(std::string path, rotation_options options) {
  return std::make_shared<rotating_file_sink_impl>(std::move(path), std::move(options));
}

}  // namespace jot
