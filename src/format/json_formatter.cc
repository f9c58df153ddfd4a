// The JSON lines formatter.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "format/json_escape.h"
#include "format/level_names.h"
#include "format/timestamp.h"
#include "format/value_text.h"
#include "jot/formatter.h"

namespace jot {

namespace {

constexpr std::string_view collision_prefix = "fields.";
constexpr std::size_t level_count = 7;

// `,"key":`, and the opening quote of a string member. Empty if the member
// is left out.
std::string member_prefix(std::string_view key, bool string_value) {
  if (key.empty()) return {};
  std::string s = ",";
  append_json_string(s, key);
  s.push_back(':');
  if (string_value) s.push_back('"');
  return s;
}

class json_formatter_impl final : public formatter {
 public:
  explicit json_formatter_impl(const json_options& o)
      : timestamp_(member_prefix(o.keys.timestamp, true)),
        logger_(member_prefix(o.keys.logger, true)),
        message_(member_prefix(o.keys.message, true)),
        template_(member_prefix(o.keys.message_template, true)),
        thread_id_(member_prefix(o.keys.thread_id, false)),
        thread_name_(member_prefix(o.keys.thread_name, true)),
        file_(member_prefix(o.keys.file, true)),
        line_(member_prefix(o.keys.line, false)),
        function_(member_prefix(o.keys.function, true)),
        fields_(member_prefix(o.fields_key, false)) {
    const std::string_view keys[] = {o.keys.timestamp, o.keys.level,       o.keys.severity_number,
                                     o.keys.logger,    o.keys.message,     o.keys.message_template,
                                     o.keys.thread_id, o.keys.thread_name, o.keys.file,
                                     o.keys.line,      o.keys.function};
    for (const std::string_view k : keys) {
      if (k.empty()) continue;
      if (std::find(standard_keys_.begin(), standard_keys_.end(), k) != standard_keys_.end()) {
        throw config_error(fmt::format("json_formatter: two standard members named '{}'", k));
      }
      standard_keys_.emplace_back(k);
      standard_lengths_ |= length_bit(k.size());
    }
    if (!o.fields_key.empty() && is_standard(o.fields_key)) {
      throw config_error(fmt::format(
          "json_formatter: fields_key '{}' is also a standard member's name", o.fields_key));
    }
    // The level and severity number depend on the level only: one string
    // per level holds both members.
    for (std::size_t i = 0; i < level_count; ++i) {
      const auto l = static_cast<level>(i);
      std::string& s = levels_[i];
      if (!o.keys.level.empty()) {
        s += member_prefix(o.keys.level, false);
        append_json_string(s, detail::lower_level_name(l));
      }
      if (!o.keys.severity_number.empty()) {
        s += member_prefix(o.keys.severity_number, false);
        detail::append_integer(s, detail::severity_number(l));
      }
    }
  }

  void format(const record_view& r, std::string& out) override {
    // Every member is written with a leading comma; the first comma then
    // becomes the opening brace.
    const std::size_t start = out.size();
    if (!timestamp_.empty()) {
      out.append(timestamp_);
      time_.append_iso8601(out, r.time_ns);
      out.push_back('"');
    }
    out.append(levels_[static_cast<std::uint8_t>(r.lvl) % level_count]);
    append_string_member(out, logger_, r.logger_name);
    append_string_member(out, message_, r.message);
    append_string_member(out, template_, r.format);
    if (!thread_id_.empty()) {
      out.append(thread_id_);
      detail::append_integer(out, r.thread_id);
    }
    if (!r.thread_name.empty()) append_string_member(out, thread_name_, r.thread_name);
    append_string_member(out, file_, r.file);
    if (!line_.empty()) {
      out.append(line_);
      detail::append_integer(out, r.line);
    }
    append_string_member(out, function_, r.function);
    if (!fields_.empty()) {
      out.append(fields_);
      const std::size_t open = out.size();
      append_fields(r.fields, out, false);
      if (out.size() == open) {
        out.push_back('{');
      } else {
        out[open] = '{';
      }
      out.push_back('}');
    } else {
      append_fields(r.fields, out, true);
    }
    if (out.size() == start) {
      out.push_back('{');
    } else {
      out[start] = '{';
    }
    out.append("}\n");
  }

 private:
  static std::uint64_t length_bit(std::size_t n) noexcept {
    return std::uint64_t{1} << (n < 63 ? n : 63);
  }

  bool is_standard(std::string_view key) const noexcept {
    if ((standard_lengths_ & length_bit(key.size())) == 0) return false;
    return std::find(standard_keys_.begin(), standard_keys_.end(), key) != standard_keys_.end();
  }

  static void append_string_member(std::string& out, const std::string& prefix,
                                   std::string_view s) {
    if (prefix.empty()) return;
    out.append(prefix);
    detail::append_json_escaped(out, s);
    out.push_back('"');
  }

  // Whether two fields are written under the same name: a key that clashes
  // with a standard member is written as "fields.<key>".
  static bool same_name(std::string_view a, bool a_moved, std::string_view b,
                        bool b_moved) noexcept {
    if (a_moved == b_moved) return a == b;
    if (a_moved) std::swap(a, b);  // now b is moved: compare a with "fields." + b
    return a.size() == collision_prefix.size() + b.size() && a.starts_with(collision_prefix) &&
           a.substr(collision_prefix.size()) == b;
  }

  // Marks in keep_ the fields to write: the last of each name. Few fields
  // (the usual case) are compared pairwise; many are sorted by name.
  void choose_fields(std::span<const field> fields, bool top_level) {
    const std::size_t n = fields.size();
    moved_.assign(n, 0);
    keep_.assign(n, 1);
    if (top_level) {
      for (std::size_t i = 0; i < n; ++i) moved_[i] = is_standard(fields[i].key) ? 1 : 0;
    }
    if (n <= 16) {
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
          if (same_name(fields[i].key, moved_[i] != 0, fields[j].key, moved_[j] != 0)) {
            keep_[i] = 0;
            break;
          }
        }
      }
      return;
    }
    names_.clear();
    offsets_.assign(1, 0);
    for (std::size_t i = 0; i < n; ++i) {
      if (moved_[i] != 0) names_.append(collision_prefix);
      names_.append(fields[i].key);
      offsets_.push_back(names_.size());
    }
    auto name = [&](std::size_t i) {
      return std::string_view(names_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
    };
    order_.resize(n);
    for (std::size_t i = 0; i < n; ++i) order_[i] = i;
    std::stable_sort(order_.begin(), order_.end(),
                     [&](std::size_t a, std::size_t b) { return name(a) < name(b); });
    for (std::size_t k = 0; k + 1 < n; ++k) {
      if (name(order_[k]) == name(order_[k + 1])) keep_[order_[k]] = 0;
    }
  }

  // Each field with a leading comma.
  void append_fields(std::span<const field> fields, std::string& out, bool top_level) {
    if (fields.empty()) return;
    choose_fields(fields, top_level);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (keep_[i] == 0) continue;
      out.append(",\"");
      if (moved_[i] != 0) out.append(collision_prefix);
      detail::append_json_escaped(out, fields[i].key);
      out.append("\":");
      append_value_json(out, *fields[i].val);
    }
  }

  std::string timestamp_, logger_, message_, template_, thread_id_, thread_name_, file_, line_,
      function_, fields_;
  std::array<std::string, level_count> levels_;
  std::vector<std::string> standard_keys_;
  std::uint64_t standard_lengths_ = 0;  // bit n: a standard key of length n (63: longer)
  detail::time_cache time_{time_zone::utc};
  // Scratch space for choose_fields, kept between records.
  std::vector<std::uint8_t> moved_, keep_;
  std::string names_;
  std::vector<std::size_t> offsets_, order_;
};

}  // namespace

std::shared_ptr<formatter> json_formatter(json_options options) {
  return std::make_shared<json_formatter_impl>(options);
}

}  // namespace jot
