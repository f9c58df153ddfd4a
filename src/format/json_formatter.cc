// The JSON lines formatter.
//
// Rendering is most of the writer's time per record, and a JSON line is
// long, so two things are worked out once, in the constructor: the text
// between two values that come from the record (commas, member names,
// quotes, and the level and severity members, which depend on the level
// only) is one string per level; and a line is written through a pointer
// into a buffer of the formatter's, with room made once per value, then
// appended to the output in one piece.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
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
// Longer strings are escaped straight into the output rather than through
// the line buffer, which would otherwise grow to six times their size.
constexpr std::size_t long_string = std::size_t{16} * 1024;

using per_level = std::array<std::string, level_count>;

// The members whose values come from the record, in the order written.
enum member : std::uint8_t {
  timestamp,
  logger,
  message,
  message_template,
  thread_id,
  thread_name,
  file,
  line,
  function,
  member_count,
};

bool is_string(member m) noexcept { return m != thread_id && m != line; }

// One member from the record. `lead` is everything written since the last
// value: a closing quote, static members, `,"name":` and an opening quote.
struct step {
  bool present = false;
  per_level lead;
  per_level lead_if_absent;  // for thread.name, left out when empty
};

// `,"name":`
std::string name_text(std::string_view key) {
  std::string s = ",";
  append_json_string(s, key);
  s.push_back(':');
  return s;
}

// Bytes that go into a JSON string as they are: printable ASCII other than
// '"' and '\\'.
constexpr std::array<bool, 256> plain_chars = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x7F; ++c) t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

bool is_plain(std::string_view s) noexcept {
  for (const char c : s) {
    if (!plain_chars[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

// The line being rendered: written through `p`, with room made first.
class line_writer {
 public:
  line_writer(std::unique_ptr<char[]>& buf, std::size_t& cap, std::string& out)
      : buf_(buf), cap_(cap), out_(out), p_(buf.get()), start_(out.size()) {}

  // Makes room for n more bytes. A line longer than long_string goes to
  // the output in pieces, so the buffer stays small.
  void room(std::size_t n) {
    if (static_cast<std::size_t>(buf_.get() + cap_ - p_) >= n) return;
    if (static_cast<std::size_t>(p_ - buf_.get()) >= long_string) flush();
    if (static_cast<std::size_t>(buf_.get() + cap_ - p_) >= n) return;
    const auto used = static_cast<std::size_t>(p_ - buf_.get());
    const std::size_t cap = std::max(2 * cap_, used + n);
    auto bigger = std::make_unique_for_overwrite<char[]>(cap);
    std::memcpy(bigger.get(), buf_.get(), used);
    buf_ = std::move(bigger);
    cap_ = cap;
    p_ = buf_.get() + used;
  }

  // Writers of bytes there is room for.
  void put(const std::string& s) noexcept {
    detail::copy_bytes(p_, s.data(), s.size());
    p_ += s.size();
  }
  void put(char c) noexcept { *p_++ = c; }
  void put_escaped(std::string_view s) noexcept {
    detail::raw_output o{p_};
    detail::escape_json(o, s);
    p_ = o.p;
  }
  template <typename Int>
  void put_integer(Int v) noexcept {
    p_ = std::to_chars(p_, p_ + 24, v).ptr;
  }
  char*& pointer() noexcept { return p_; }

  // `lead` then `s` escaped.
  void lead_and_string(const std::string& lead, std::string_view s) {
    if (s.size() >= long_string) {
      flush();
      out_.append(lead);
      detail::append_json_escaped(out_, s);
      return;
    }
    room(lead.size() + detail::json_escaped_max(s.size()) + 2);
    put(lead);
    put_escaped(s);
  }

  // Moves what is in the buffer to the output.
  void flush() {
    out_.append(buf_.get(), static_cast<std::size_t>(p_ - buf_.get()));
    p_ = buf_.get();
  }
  std::string& output() noexcept { return out_; }

  // Ends the line: every member was written with a leading comma, and the
  // first comma becomes the opening brace.
  void finish() {
    const bool empty = out_.size() == start_ && p_ == buf_.get();
    room(4);
    if (empty) put('{');
    put('}');
    put('\n');
    flush();
    out_[start_] = '{';
  }

 private:
  std::unique_ptr<char[]>& buf_;
  std::size_t& cap_;
  std::string& out_;
  char* p_;
  std::size_t start_;
};

class json_formatter_impl final : public formatter {
 public:
  explicit json_formatter_impl(const json_options& o) {
    const json_keys& k = o.keys;
    const std::string_view all[] = {k.timestamp, k.level,       k.severity_number,
                                    k.logger,    k.message,     k.message_template,
                                    k.thread_id, k.thread_name, k.file,
                                    k.line,      k.function};
    for (const std::string_view key : all) {
      if (key.empty()) continue;
      if (is_standard(key)) {
        throw config_error(fmt::format("json_formatter: two standard members named '{}'", key));
      }
      standard_keys_.emplace_back(key);
      standard_lengths_ |= length_bit(key.size());
    }
    if (!o.fields_key.empty() && is_standard(o.fields_key)) {
      throw config_error(fmt::format(
          "json_formatter: fields_key '{}' is also a standard member's name", o.fields_key));
    }
    nested_ = !o.fields_key.empty();

    per_level pending;  // written before the next value
    auto add_static = [&](std::string_view key, auto value_of) {
      if (key.empty()) return;
      for (std::size_t i = 0; i < level_count; ++i) {
        pending[i] += name_text(key);
        value_of(pending[i], static_cast<level>(i));
      }
    };
    auto add_step = [&](std::string_view key, member m) {
      if (key.empty()) return;
      step& s = steps_[m];
      s.present = true;
      for (std::size_t i = 0; i < level_count; ++i) {
        s.lead[i] = pending[i] + name_text(key);
        if (is_string(m)) s.lead[i].push_back('"');
        s.lead_if_absent[i] = pending[i];
        // A string's closing quote goes with the next lead, except for the
        // optional thread name, which closes its own.
        pending[i] = is_string(m) && m != thread_name ? "\"" : "";
      }
    };
    add_step(k.timestamp, timestamp);
    add_static(k.level,
               [](std::string& s, level l) { append_json_string(s, detail::lower_level_name(l)); });
    add_static(k.severity_number, [](std::string& s, level l) {
      detail::append_integer(s, detail::severity_number(l));
    });
    add_step(k.logger, logger);
    add_step(k.message, message);
    add_step(k.message_template, message_template);
    add_step(k.thread_id, thread_id);
    add_step(k.thread_name, thread_name);
    add_step(k.file, file);
    add_step(k.line, line);
    add_step(k.function, function);
    for (std::size_t i = 0; i < level_count; ++i) {
      tail_[i] = pending[i];
      if (nested_) tail_[i] += name_text(o.fields_key);
    }
  }

  // The configuration; the line buffer, the caches and the scratch space
  // start afresh.
  json_formatter_impl(const json_formatter_impl& o)
      : formatter(o),
        steps_(o.steps_),
        tail_(o.tail_),
        nested_(o.nested_),
        standard_keys_(o.standard_keys_),
        standard_lengths_(o.standard_lengths_) {}
  json_formatter_impl& operator=(const json_formatter_impl&) = delete;

  std::unique_ptr<formatter> copy_for_thread() const override {
    return std::make_unique<json_formatter_impl>(*this);
  }

  void format(const record_view& r, std::string& out) override {
    const std::size_t lvl = static_cast<std::uint8_t>(r.lvl) % level_count;
    line_writer w(buf_, cap_, out);
    if (const step& s = steps_[timestamp]; s.present) {
      w.room(s.lead[lvl].size() + detail::time_cache::iso8601_max);
      w.put(s.lead[lvl]);
      w.pointer() = time_.write_iso8601(w.pointer(), r.time_ns);
    }
    if (const step& s = steps_[logger]; s.present) w.lead_and_string(s.lead[lvl], r.logger_name);
    if (const step& s = steps_[message]; s.present) w.lead_and_string(s.lead[lvl], r.message);
    if (const step& s = steps_[message_template]; s.present) {
      w.lead_and_string(s.lead[lvl], r.format);
    }
    if (const step& s = steps_[thread_id]; s.present) {
      w.room(s.lead[lvl].size() + 24);
      w.put(s.lead[lvl]);
      w.put_integer(r.thread_id);
    }
    if (const step& s = steps_[thread_name]; s.present) {
      if (r.thread_name.empty()) {
        w.room(s.lead_if_absent[lvl].size());
        w.put(s.lead_if_absent[lvl]);
      } else {
        w.lead_and_string(s.lead[lvl], r.thread_name);
        w.room(1);
        w.put('"');
      }
    }
    if (const step& s = steps_[file]; s.present) w.lead_and_string(s.lead[lvl], r.file);
    if (const step& s = steps_[line]; s.present) {
      w.room(s.lead[lvl].size() + 24);
      w.put(s.lead[lvl]);
      w.put_integer(r.line);
    }
    if (const step& s = steps_[function]; s.present) w.lead_and_string(s.lead[lvl], r.function);
    w.room(tail_[lvl].size() + 2);
    w.put(tail_[lvl]);
    if (nested_) {
      if (r.fields.empty()) w.put('{');
      append_fields(r.fields, w, '{');
      w.room(1);
      w.put('}');
    } else {
      append_fields(r.fields, w, ',');
    }
    w.finish();
  }

 private:
  static std::uint64_t length_bit(std::size_t n) noexcept {
    return std::uint64_t{1} << (n < 63 ? n : 63);
  }

  bool is_standard(std::string_view key) const noexcept {
    if ((standard_lengths_ & length_bit(key.size())) == 0) return false;
    return std::find(standard_keys_.begin(), standard_keys_.end(), key) != standard_keys_.end();
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

  // Sets which fields are written as "fields.<key>" and which are written
  // at all (the last of each name). Up to 64 fields (the usual case by far)
  // are compared pairwise, in bit masks; more are sorted by name.
  void choose_fields(std::span<const field> fields) {
    const std::size_t n = fields.size();
    if (n <= 64) {
      std::uint64_t moved = 0;
      if (!nested_) {
        for (std::size_t i = 0; i < n; ++i) {
          if (is_standard(fields[i].key)) moved |= std::uint64_t{1} << i;
        }
      }
      std::uint64_t keep = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
      for (std::size_t i = 0; i + 1 < n; ++i) {
        const bool mi = ((moved >> i) & 1) != 0;
        for (std::size_t j = i + 1; j < n; ++j) {
          if (same_name(fields[i].key, mi, fields[j].key, ((moved >> j) & 1) != 0)) {
            keep &= ~(std::uint64_t{1} << i);
            break;
          }
        }
      }
      few_moved_ = moved;
      few_keep_ = keep;
      return;
    }
    moved_.assign(n, 0);
    keep_.assign(n, 1);
    if (!nested_) {
      for (std::size_t i = 0; i < n; ++i) moved_[i] = is_standard(fields[i].key) ? 1 : 0;
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

  // Each field, the first after `first` and the others after a comma.
  void append_fields(std::span<const field> fields, line_writer& w, char first) {
    if (fields.empty()) return;
    choose_fields(fields);
    const bool few = fields.size() <= 64;
    char sep = first;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const bool keep = few ? ((few_keep_ >> i) & 1) != 0 : keep_[i] != 0;
      if (!keep) continue;
      const bool moved = few ? ((few_moved_ >> i) & 1) != 0 : moved_[i] != 0;
      append_field(w, sep, fields[i].key, moved, *fields[i].val);
      sep = ',';
    }
  }

  // `,"key":value`
  static void append_field(line_writer& w, char sep, std::string_view key, bool moved,
                           const value& v) {
    // The key. Longer keys are not worth a fast path.
    if (key.size() >= long_string) {
      w.room(2);
      w.put(sep);
      w.put('"');
      w.flush();
      if (moved) w.output().append(collision_prefix);
      detail::append_json_escaped(w.output(), key);
    } else {
      w.room(collision_prefix.size() + detail::json_escaped_max(key.size()) + 4);
      w.put(sep);
      w.put('"');
      if (moved) {
        std::memcpy(w.pointer(), collision_prefix.data(), collision_prefix.size());
        w.pointer() += collision_prefix.size();
      }
      if (key.size() <= 32 && is_plain(key)) {
        detail::copy_bytes(w.pointer(), key.data(), key.size());
        w.pointer() += key.size();
      } else {
        w.put_escaped(key);
      }
    }
    w.room(2);
    w.put('"');
    w.put(':');
    // The value.
    switch (v.type) {
      case value_type::null:
        w.room(4);
        w.pointer() = std::copy_n("null", 4, w.pointer());
        break;
      case value_type::boolean:
        w.room(5);
        w.pointer() =
            v.boolean ? std::copy_n("true", 4, w.pointer()) : std::copy_n("false", 5, w.pointer());
        break;
      case value_type::int64:
        w.room(24);
        w.put_integer(v.int64);
        break;
      case value_type::uint64:
        w.room(24);
        w.put_integer(v.uint64);
        break;
      case value_type::float64:
        w.room(40);
        w.pointer() = detail::write_float_json(w.pointer(), v.float64);
        break;
      case value_type::string:
      case value_type::duration:
        if (v.text.size() >= long_string) {
          w.flush();
          append_json_string(w.output(), v.text);
        } else {
          w.room(detail::json_escaped_max(v.text.size()) + 2);
          w.put('"');
          w.put_escaped(v.text);
          w.put('"');
        }
        break;
      case value_type::time:
        w.room(32);
        w.put('"');
        w.pointer() = detail::write_rfc3339_utc(w.pointer(), v.int64);
        w.put('"');
        break;
      case value_type::array:
      case value_type::object:
        w.flush();
        append_value_json(w.output(), v);
        break;
    }
  }

  std::array<step, member_count> steps_;
  per_level tail_;  // after the last member from the record, up to the fields
  bool nested_ = false;
  std::vector<std::string> standard_keys_;
  std::uint64_t standard_lengths_ = 0;  // bit n: a standard key of length n (63: longer)
  detail::time_cache time_{time_zone::utc};
  // The line buffer, kept between records.
  std::size_t cap_ = 1024;
  std::unique_ptr<char[]> buf_ = std::make_unique_for_overwrite<char[]>(cap_);
  // choose_fields' results: bit masks for up to 64 fields, else vectors
  // (kept between records, with the scratch space for sorting).
  std::uint64_t few_moved_ = 0;
  std::uint64_t few_keep_ = 0;
  std::vector<std::uint8_t> moved_, keep_;
  std::string names_;
  std::vector<std::size_t> offsets_, order_;
};

}  // namespace

std::shared_ptr<formatter> json_formatter(json_options options) {
  return std::make_shared<json_formatter_impl>(options);
}

}  // namespace jot
