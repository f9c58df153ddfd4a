#include "backend/decoder.h"

#include <cstdint>
#include <cstring>
#include <string_view>

#include <fmt/compile.h>

#include "jot/detail/codec.h"

namespace jot::detail {

namespace {

class reader {
 public:
  reader(const std::byte* p, const std::byte* end) : p_(p), end_(end) {}

  template <class T>
  bool read(T& v) noexcept {
    if (static_cast<std::size_t>(end_ - p_) < sizeof(T)) return false;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return true;
  }

  // A null C string reads as "(null)".
  bool read_string(std::string_view& s) noexcept {
    std::uint32_t n = 0;
    if (!read(n)) return false;
    if (n == null_string_length) {
      s = "(null)";
      return true;
    }
    if (static_cast<std::size_t>(end_ - p_) < n) return false;
    s = std::string_view(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return true;
  }

 private:
  const std::byte* p_;
  const std::byte* end_;
};

// Calls f(value) with the next argument decoded as its own type.
template <class F>
bool visit_arg(arg_type t, reader& r, F&& f) {
  switch (t) {
    case arg_type::boolean: {
      std::uint8_t b = 0;
      if (!r.read(b)) return false;
      f(b != 0);
      return true;
    }
    case arg_type::character: {
      char c = 0;
      if (!r.read(c)) return false;
      f(c);
      return true;
    }
#define JOT_VISIT_SCALAR_(tag, type) \
  case arg_type::tag: {              \
    type v{};                        \
    if (!r.read(v)) return false;    \
    f(v);                            \
    return true;                     \
  }
      JOT_VISIT_SCALAR_(i32, std::int32_t)
      JOT_VISIT_SCALAR_(u32, std::uint32_t)
      JOT_VISIT_SCALAR_(i64, std::int64_t)
      JOT_VISIT_SCALAR_(u64, std::uint64_t)
      JOT_VISIT_SCALAR_(f32, float)
      JOT_VISIT_SCALAR_(f64, double)
      JOT_VISIT_SCALAR_(f80, long double)
#undef JOT_VISIT_SCALAR_
    case arg_type::pointer: {
      std::uint64_t u = 0;
      if (!r.read(u)) return false;
      f(reinterpret_cast<const void*>(static_cast<std::uintptr_t>(u)));
      return true;
    }
    case arg_type::string: {
      std::string_view s;
      if (!r.read_string(s)) return false;
      f(s);
      return true;
    }
    case arg_type::custom:
      return false;
  }
  return false;
}

// Writes one value as fmt's "{}" would.
struct plain_writer {
  fmt::memory_buffer& out;
  void operator()(bool v) const {
    const std::string_view s = v ? "true" : "false";
    out.append(s.data(), s.data() + s.size());
  }
  void operator()(char c) const { out.push_back(c); }
  void operator()(std::string_view s) const {
    // One resize and one copy: fmt's buffer append copies in a loop.
    const std::size_t old = out.size();
    out.resize(old + s.size());
    if (!s.empty()) std::memcpy(out.data() + old, s.data(), s.size());
  }
  template <class T>
  void operator()(T v) const {
    if constexpr (std::is_integral_v<T>) {
      const fmt::format_int digits(v);
      out.append(digits.data(), digits.data() + digits.size());
    } else {
      fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), v);
    }
  }
};

// Parses a format string into literal pieces if it holds nothing but text,
// "{{", "}}" and "{}".
void make_plan(std::string_view f, std::uint8_t arg_count, bool& plain,
               std::vector<std::string>& literals) {
  plain = false;
  literals.clear();
  std::string text;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const char c = f[i];
    if (c == '{') {
      if (i + 1 < f.size() && f[i + 1] == '{') {
        text.push_back('{');
        ++i;
      } else if (i + 1 < f.size() && f[i + 1] == '}') {
        literals.push_back(std::move(text));
        text.clear();
        ++i;
      } else {
        return;  // a spec, an index or a name: leave it to fmt
      }
    } else if (c == '}') {
      if (i + 1 < f.size() && f[i + 1] == '}') ++i;
      text.push_back('}');
    } else {
      text.push_back(c);
    }
  }
  literals.push_back(std::move(text));
  plain = literals.size() == static_cast<std::size_t>(arg_count) + 1;
}

void append_fallback(fmt::memory_buffer& out, std::size_t start, const call_site& site,
                     std::string_view note) {
  out.resize(start);
  out.append(site.format.data(), site.format.data() + site.format.size());
  out.append(note.data(), note.data() + note.size());
}

}  // namespace

const message_renderer::plan& message_renderer::plan_for(const call_site& site) {
  const auto key = reinterpret_cast<std::uintptr_t>(&site);
  slot& s = cache_[(key >> 4) % cache_slots];
  if (s.site == &site) return *s.p;
  auto& owned = plans_[&site];
  if (!owned) {
    owned = std::make_unique<plan>();
    make_plan(site.format, site.arg_count, owned->plain, owned->literals);
  }
  s = {&site, owned.get()};
  return *owned;
}

bool message_renderer::render_plain(const plan& p, const call_site& site, const std::byte* args,
                                    const std::byte* end, fmt::memory_buffer& out) {
  reader r(args, end);
  const plain_writer w{out};
  for (std::uint8_t i = 0; i < site.arg_count; ++i) {
    w(std::string_view(p.literals[i]));
    if (!visit_arg(site.types[i], r, w)) return false;
  }
  w(std::string_view(p.literals.back()));
  return true;
}

bool message_renderer::render_general(const call_site& site, const std::byte* args,
                                      const std::byte* end, fmt::memory_buffer& out) {
  reader r(args, end);
  store_.clear();
  for (std::uint8_t i = 0; i < site.arg_count; ++i) {
    const bool ok = visit_arg(site.types[i], r, [this](auto v) { store_.push_back(v); });
    if (!ok) return false;
  }
  fmt::vformat_to(fmt::appender(out), fmt::string_view(site.format.data(), site.format.size()),
                  store_);
  return true;
}

bool message_renderer::render(const call_site& site, const std::byte* args, const std::byte* end,
                              fmt::memory_buffer& out) noexcept {
  const std::size_t start = out.size();
  try {
    if (site.eager) {
      // Formatted on the caller: the one string argument is the message.
      reader r(args, end);
      std::string_view s;
      if (site.arg_count == 1 && r.read_string(s)) {
        out.append(s.data(), s.data() + s.size());
        return true;
      }
    } else {
      const plan& p = plan_for(site);
      if (p.plain ? render_plain(p, site, args, end, out) : render_general(site, args, end, out)) {
        return true;
      }
    }
    append_fallback(out, start, site, " [jot: record bytes do not match the call site]");
  } catch (const std::exception& e) {
    try {
      append_fallback(out, start, site, " [jot: format error: ");
      const std::string_view what = e.what();
      out.append(what.data(), what.data() + what.size());
      out.push_back(']');
    } catch (...) {
    }
  } catch (...) {
  }
  return false;
}

}  // namespace jot::detail
