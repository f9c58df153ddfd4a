// The logfmt formatter.
#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "format/level_names.h"
#include "format/logfmt_escape.h"
#include "format/timestamp.h"
#include "format/value_text.h"
#include "jot/formatter.h"

namespace jot {

namespace {

constexpr std::size_t level_count = 7;

class logfmt_formatter_impl final : public formatter {
 public:
  explicit logfmt_formatter_impl(const logfmt_options& o) : options_(o) {
    for (std::size_t i = 0; i < level_count; ++i) {
      levels_[i] = " level=";
      levels_[i] += detail::lower_level_name(static_cast<level>(i));
      levels_[i] += " logger=";
    }
  }

  void format(const record_view& r, std::string& out) override {
    out.append("time=");
    time_.append_iso8601(out, r.time_ns);
    out.append(levels_[static_cast<std::uint8_t>(r.lvl) % level_count]);
    detail::append_logfmt_value(out, r.logger_name);
    out.append(" msg=");
    detail::append_logfmt_value(out, r.message);
    if (options_.with_thread) {
      out.append(" thread_id=");
      detail::append_integer(out, r.thread_id);
    }
    if (options_.with_source) {
      out.append(" source=");
      scratch_.assign(cached_base_name(r.file));
      scratch_.push_back(':');
      detail::append_integer(scratch_, r.line);
      detail::append_logfmt_value(out, scratch_);
    }
    for (const field& f : r.fields) {
      out.push_back(' ');
      // A field named like a standard key is moved aside, so that no field
      // can pass for the record's level, message or time.
      if (is_standard(f.key)) out.append("fields.");
      detail::append_logfmt_key(out, f.key);
      out.push_back('=');
      detail::append_value_logfmt(out, *f.val, scratch_);
    }
    out.push_back('\n');
  }

  std::unique_ptr<formatter> copy_for_thread() const override {
    return std::make_unique<logfmt_formatter_impl>(options_);
  }

 private:
  bool is_standard(std::string_view key) const noexcept {
    return key == "time" || key == "level" || key == "logger" || key == "msg" ||
           (options_.with_thread && key == "thread_id") ||
           (options_.with_source && key == "source");
  }

  std::string_view cached_base_name(std::string_view file) {
    if (file.data() != last_file_.data() || file.size() != last_file_.size()) {
      last_file_ = file;
      const auto slash = file.find_last_of('/');
      last_base_ = slash == std::string_view::npos ? file : file.substr(slash + 1);
    }
    return last_base_;
  }

  logfmt_options options_;
  std::array<std::string, level_count> levels_;  // " level=info logger="
  detail::time_cache time_{time_zone::utc};
  std::string scratch_;
  std::string_view last_file_;
  std::string_view last_base_;
};

}  // namespace

std::shared_ptr<formatter> logfmt_formatter(logfmt_options options) {
  return std::make_shared<logfmt_formatter_impl>(options);
}

}  // namespace jot
