#include "backend/decoder.h"

#include <cstdint>
#include <cstring>
#include <string_view>

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

  bool read_string(std::string_view& s, bool& is_null) noexcept {
    std::uint32_t n = 0;
    if (!read(n)) return false;
    is_null = n == null_string_length;
    if (is_null) return true;
    if (static_cast<std::size_t>(end_ - p_) < n) return false;
    s = std::string_view(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return true;
  }

 private:
  const std::byte* p_;
  const std::byte* end_;
};

template <class T>
bool push(reader& r, arg_store& store) {
  T v{};
  if (!r.read(v)) return false;
  store.push_back(v);
  return true;
}

bool decode_args(const call_site& site, reader& r, arg_store& store) {
  for (std::uint8_t i = 0; i < site.arg_count; ++i) {
    bool ok = false;
    switch (site.types[i]) {
      case arg_type::boolean: {
        std::uint8_t b = 0;
        ok = r.read(b);
        if (ok) store.push_back(b != 0);
        break;
      }
      case arg_type::character:
        ok = push<char>(r, store);
        break;
      case arg_type::i32:
        ok = push<std::int32_t>(r, store);
        break;
      case arg_type::u32:
        ok = push<std::uint32_t>(r, store);
        break;
      case arg_type::i64:
        ok = push<std::int64_t>(r, store);
        break;
      case arg_type::u64:
        ok = push<std::uint64_t>(r, store);
        break;
      case arg_type::f32:
        ok = push<float>(r, store);
        break;
      case arg_type::f64:
        ok = push<double>(r, store);
        break;
      case arg_type::f80:
        ok = push<long double>(r, store);
        break;
      case arg_type::pointer: {
        std::uint64_t u = 0;
        ok = r.read(u);
        if (ok) store.push_back(reinterpret_cast<const void*>(static_cast<std::uintptr_t>(u)));
        break;
      }
      case arg_type::string: {
        std::string_view s;
        bool is_null = false;
        ok = r.read_string(s, is_null);
        if (ok) store.push_back(is_null ? std::string_view("(null)") : s);
        break;
      }
      case arg_type::custom:
        ok = false;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool render_message(const call_site& site, const std::byte* args, const std::byte* end,
                    std::string& out, arg_store& store) noexcept {
  const std::size_t start = out.size();
  try {
    reader r(args, end);
    if (site.eager) {
      // Formatted on the caller: the one string argument is the message.
      std::string_view s;
      bool is_null = false;
      if (site.arg_count == 1 && r.read_string(s, is_null) && !is_null) {
        out.append(s);
        return true;
      }
    } else {
      store.clear();
      if (decode_args(site, r, store)) {
        fmt::vformat_to(std::back_inserter(out), fmt::string_view(site.format.data(), site.format.size()),
                        store);
        return true;
      }
    }
    out.resize(start);
    out.append(site.format);
    out.append(" [jot: record bytes do not match the call site]");
  } catch (const std::exception& e) {
    try {
      out.resize(start);
      out.append(site.format);
      out.append(" [jot: format error: ");
      out.append(e.what());
      out.append("]");
    } catch (...) {
    }
  } catch (...) {
  }
  return false;
}

}  // namespace jot::detail
