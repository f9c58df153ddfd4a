// Fuzzes the record decoder: argument bytes that do not match their call
// site, truncated or garbage, type trees cut short, damaged bound and scope
// fields, and format strings fmt may reject, must never crash, hang or read
// out of bounds; the decoder always produces text.
//
// Input layout: [args][nodes][nodes × (tag, aux)][format length][format]
// [bound length][scope length][bound bytes][scope bytes][argument bytes...]
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "backend/decoder.h"

namespace {

constexpr auto tag_count = static_cast<std::uint8_t>(jot::detail::arg_type::custom) + 1;

// Widths and precisions make fmt allocate as much as they say, which is the
// caller's business (real formats are checked at compile time): skip
// formats with a number of five digits or more, or a nested field
// (a width taken from an argument).
bool asks_for_huge_output(std::string_view f) {
  int depth = 0;
  int digits = 0;
  for (const char c : f) {
    digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
    if (digits >= 5) return true;
    if (c == '{') {
      if (++depth > 1) return true;
    } else if (c == '}' && depth > 0) {
      --depth;
    }
  }
  return false;
}

// Every field's value tree stays inside the values the decoder made.
void check_fields(const jot::detail::record_decoder& decoder) {
  for (const jot::field& f : decoder.fields()) {
    const jot::value* v = f.val;
    if (v == nullptr || v->span == 0) __builtin_trap();
    std::size_t seen = 0;
    for (const jot::value* e = v; e != v->next(); ++e) seen += e->text.size();
    static_cast<void>(seen);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::size_t pos = 0;
  auto take = [&](std::size_t n) -> const std::uint8_t* {
    if (size - pos < n) return nullptr;
    const std::uint8_t* p = data + pos;
    pos += n;
    return p;
  };
  const std::uint8_t* head = take(2);
  if (head == nullptr) return 0;
  const std::uint8_t args_n = head[0] % 16;  // top-level arguments
  const std::uint8_t nodes_n = head[1] % 32;
  std::vector<jot::detail::type_node> nodes;
  for (std::uint8_t i = 0; i < nodes_n; ++i) {
    const std::uint8_t* t = take(2);
    if (t == nullptr) return 0;
    jot::detail::type_node n;
    n.tag = static_cast<jot::detail::arg_type>(t[0] % tag_count);
    // Call sites are compiled, not read: a user node always has its
    // function. The fuzzer cannot make one, so it gets none.
    if (n.tag == jot::detail::arg_type::user) n.tag = jot::detail::arg_type::custom;
    n.aux = t[1];
    nodes.push_back(n);
  }
  const std::uint8_t* flen = take(1);
  if (flen == nullptr) return 0;
  const std::uint8_t* fmt_bytes = take(*flen);
  if (fmt_bytes == nullptr) return 0;
  const std::string_view format(reinterpret_cast<const char*>(fmt_bytes), *flen);
  if (asks_for_huge_output(format)) return 0;
  const std::uint8_t* ctx_len = take(2);
  if (ctx_len == nullptr) return 0;
  const std::size_t bound_n = ctx_len[0];
  const std::size_t scope_n = ctx_len[1];
  const std::uint8_t* ctx = take(bound_n + scope_n);
  if (ctx == nullptr) return 0;

  const std::string_view names[4] = {"a", "", "b.c", "d"};
  const std::string_view specs[4] = {};
  const jot::detail::call_site site{jot::level::info,
                                    args_n,
                                    1,
                                    format,
                                    format,
                                    "fuzz.cc",
                                    "fuzz",
                                    nodes.data(),
                                    static_cast<std::uint32_t>(nodes.size()),
                                    names,
                                    specs,
                                    static_cast<std::uint8_t>(args_n < 4 ? args_n : 4)};
  // Every part gets a buffer of its own, so reads past one are caught.
  const std::vector<std::byte> bound(reinterpret_cast<const std::byte*>(ctx),
                                     reinterpret_cast<const std::byte*>(ctx + bound_n));
  const std::vector<std::byte> scope(reinterpret_cast<const std::byte*>(ctx + bound_n),
                                     reinterpret_cast<const std::byte*>(ctx + bound_n + scope_n));
  const std::vector<std::byte> args(reinterpret_cast<const std::byte*>(data + pos),
                                    reinterpret_cast<const std::byte*>(data + size));
  // A fresh decoder: it caches by call-site address, and real call sites
  // never change.
  jot::detail::record_decoder decoder;
  fmt::memory_buffer out;
  const bool ok = decoder.decode(site, bound, scope, args, out);
  // A record that does not decode cleanly says so in its message.
  if (!ok && std::string_view(out.data(), out.size()).find("[jot: ") == std::string_view::npos) {
    __builtin_trap();
  }
  check_fields(decoder);

  // The same bytes as a whole record rendered on the caller
  // (delivery::async_eager): header, context section, then u32 message
  // length, u32 argument bytes, the message and the arguments.
  const std::size_t body = 8 + bound.size() + scope.size() + args.size();
  std::vector<std::byte> rec(sizeof(jot::detail::record_header) + body);
  jot::detail::record_header h{};
  h.size = static_cast<std::uint32_t>(rec.size());
  h.kind = jot::detail::record_kind::record;
  h.flags =
      static_cast<std::uint8_t>(jot::detail::record_has_context | jot::detail::record_preformatted |
                                ((head[1] & 0x80) != 0 ? jot::detail::record_message_only : 0));
  h.site = &site;
  std::memcpy(rec.data(), &h, sizeof h);
  std::byte* p = rec.data() + sizeof h;
  const auto b32 = static_cast<std::uint32_t>(bound.size());
  const auto s32 = static_cast<std::uint32_t>(scope.size());
  std::memcpy(p, &b32, 4);
  std::memcpy(p + 4, &s32, 4);
  if (!bound.empty()) std::memcpy(p + 8, bound.data(), bound.size());
  if (!scope.empty()) std::memcpy(p + 8 + bound.size(), scope.data(), scope.size());
  if (!args.empty()) std::memcpy(p + 8 + bound.size() + scope.size(), args.data(), args.size());
  out.clear();
  jot::detail::record_decoder eager;
  const bool eager_ok =
      eager.decode(*reinterpret_cast<const jot::detail::record_header*>(rec.data()), out);
  if (!eager_ok &&
      std::string_view(out.data(), out.size()).find("[jot: ") == std::string_view::npos) {
    __builtin_trap();
  }
  check_fields(eager);
  return 0;
}
