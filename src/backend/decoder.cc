#include "backend/decoder.h"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

#include <fmt/args.h>
#include <fmt/chrono.h>
#include <fmt/compile.h>

#include "backend/value_decoder.h"
#include "format/value_text.h"
#include "jot/detail/codec.h"
#include "jot/detail/message_template.h"
#include "jot/formatter.h"

namespace jot::detail {
namespace {
// Text already formatted with its placeholder's spec: fmt writes it as it
// is, whatever the spec.
struct preformatted {
  std::string text;
};
}  // namespace
}  // namespace jot::detail

template <>
struct fmt::formatter<jot::detail::preformatted> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return jot::detail::skip_spec(ctx); }
  template <class Context>
  auto format(const jot::detail::preformatted& p, Context& ctx) const {
    return std::copy(p.text.begin(), p.text.end(), ctx.out());
  }
};

namespace jot::detail {

namespace {

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

void append_fallback(fmt::memory_buffer& out, std::size_t start, const call_site& site,
                     std::string_view note) {
  out.resize(start);
  const std::string_view t = site.message_template;
  out.append(t.data(), t.data() + t.size());
  out.append(note.data(), note.data() + note.size());
}

// Turns "{{" and "}}" into single braces.
std::string unescape_braces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    out.push_back(s[i]);
    if ((s[i] == '{' || s[i] == '}') && i + 1 < s.size() && s[i + 1] == s[i]) ++i;
  }
  return out;
}

// Collects a format's pieces at run time, with the same walk the compile
// time parse uses.
struct plan_visitor {
  template_numbering num;
  std::string pending;  // literal text so far
  bool whole = false;
  struct raw_piece {
    std::string literal;
    std::size_t arg;
    std::string_view spec;
  };
  std::vector<raw_piece> pieces;
  void literal(std::string_view s) { pending += unescape_braces(s); }
  void field(std::string_view id, std::string_view spec, bool nested) {
    const std::size_t n = num.number(id);
    if (nested) {
      whole = true;
      return;
    }
    pieces.push_back({std::move(pending), n, spec});
    pending.clear();
  }
  void spec_end(std::string_view) {}
};

}  // namespace

const record_decoder::plan& record_decoder::plan_for(const call_site& site) {
  const auto key = reinterpret_cast<std::uintptr_t>(&site);
  slot& s = cache_[(key >> 4) % cache_slots];
  if (s.site == &site) return *s.p;
  auto& owned = plans_[&site];
  if (!owned) {
    owned = std::make_unique<plan>();
    plan_visitor v;
    walk_template(site.format, v);
    owned->whole = v.whole;
    for (auto& rp : v.pieces) {
      piece p;
      p.literal = std::move(rp.literal);
      p.arg = rp.arg;
      if (!rp.spec.empty()) {
        p.format.reserve(rp.spec.size() + 3);
        p.format.append("{:").append(rp.spec).push_back('}');
      }
      owned->pieces.push_back(std::move(p));
    }
    owned->tail = std::move(v.pending);
    bool seq = !owned->whole && owned->pieces.size() == site.arg_count &&
               site.type_count == site.arg_count;
    for (std::size_t k = 0; seq && k < owned->pieces.size(); ++k) {
      const piece& pc = owned->pieces[k];
      seq = pc.arg == k && pc.format.empty() && is_scalar(site.types[k].tag) &&
            (site.names == nullptr || k >= site.format_args || site.names[k].empty());
    }
    owned->sequential = seq;
  }
  s = {&site, owned.get()};
  return *owned;
}

bool record_decoder::walk_args(const call_site& site, std::span<const std::byte> bytes) {
  reader r(bytes.data(), bytes.data() + bytes.size());
  value_decoder vd(values_, scratch_, text_fixups_);
  std::size_t ni = 0;
  std::size_t format_arg = 0;
  std::vector<pending_field>& kv = kv_pending_;
  kv.clear();
  for (std::uint8_t a = 0; a < site.arg_count; ++a) {
    if (ni >= site.type_count) return false;
    const type_node& n = site.types[ni];
    if (n.tag == arg_type::field) {
      std::uint16_t klen = 0;
      const std::byte* key = nullptr;
      if (!r.read(klen) || !r.read_bytes(klen, key)) return false;
      ++ni;
      const std::size_t at = values_.size();
      if (!vd.decode(site.types, site.type_count, ni, r)) return false;
      kv.push_back(
          {std::string_view(reinterpret_cast<const char*>(key), klen), at, field_origin::call});
      continue;
    }
    args_.push_back({site.types, ni, site.type_count, r.pos(), r.end()});
    const std::string_view name = format_arg < site.format_args && site.names != nullptr
                                      ? site.names[format_arg]
                                      : std::string_view();
    ++format_arg;
    if (!name.empty() || !is_scalar(n.tag)) {
      // Named: a field. Compound: decoded now to skip its bytes (and kept
      // for the message's text).
      const std::size_t at = values_.size();
      if (!vd.decode(site.types, site.type_count, ni, r)) return false;
      args_.back().value = at;
      if (!name.empty()) pending_.push_back({name, at, field_origin::call});
    } else {
      if (!visit_scalar(n.tag, r, [](auto) {})) return false;
      ++ni;
    }
  }
  for (const auto& f : kv) pending_.push_back(f);
  // The arguments end where the record does, but for its padding to a
  // multiple of 8.
  return r.end() - r.pos() < 8;
}

bool record_decoder::walk_context(std::span<const std::byte> bytes, field_origin origin) {
  reader r(bytes.data(), bytes.data() + bytes.size());
  value_decoder vd(values_, scratch_, text_fixups_);
  bool ok = true;
  while (!r.done()) {
    std::uint16_t klen = 0;
    const std::byte* key = nullptr;
    std::uint8_t count = 0;
    const std::byte* raw = nullptr;
    if (!r.read(klen) || !r.read_bytes(klen, key) || !r.read(count) || count == 0 ||
        !r.read_bytes(std::size_t{count} * 2, raw)) {
      ok = false;
      break;
    }
    context_nodes_.assign(count, type_node{});
    for (std::size_t k = 0; k < count; ++k) {
      const auto tag = static_cast<std::uint8_t>(raw[2 * k]);
      // Self-describing fields hold no user types (no function pointers)
      // and no nested fields.
      if (tag > static_cast<std::uint8_t>(arg_type::tuple)) {
        ok = false;
        break;
      }
      context_nodes_[k].tag = static_cast<arg_type>(tag);
      context_nodes_[k].aux = static_cast<std::uint8_t>(raw[2 * k + 1]);
    }
    if (!ok) break;
    std::size_t ni = 0;
    const std::size_t at = values_.size();
    if (!vd.decode(context_nodes_.data(), count, ni, r) || ni != count) {
      ok = false;
      break;
    }
    pending_.push_back({std::string_view(reinterpret_cast<const char*>(key), klen), at, origin});
  }
  return ok;
}

void record_decoder::finish_fields() {
  apply_fixups(values_, scratch_, text_fixups_);
  fields_.clear();
  for (const pending_field& p : pending_) {
    fields_.push_back({p.key, &values_[p.value], p.origin});
  }
}

void record_decoder::render_arg(const arg_ref& a, const std::string& format,
                                fmt::memory_buffer& out) {
  const type_node& n = a.nodes[a.node];
  reader r(a.data, a.end);
  const fmt::string_view f(format.data(), format.size());
  if (is_scalar(n.tag)) {
    if (format.empty() || n.tag == arg_type::text) {
      visit_scalar(n.tag, r, plain_writer{out});
    } else {
      visit_scalar(n.tag, r, [&](auto v) {
        fmt::vformat_to(fmt::appender(out), f, fmt::make_format_args(v));
      });
    }
    return;
  }
  switch (n.tag) {
    case arg_type::duration:
      visit_duration(n.aux, r, [&](auto d) {
        fmt::vformat_to(fmt::appender(out), format.empty() ? fmt::string_view("{}") : f,
                        fmt::make_format_args(d));
      });
      return;
    case arg_type::time:
      visit_duration(n.aux & period_mask, r, [&](auto d) {
        const std::chrono::time_point<std::chrono::system_clock> tp(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(
                std::chrono::nanoseconds(saturated_ns(d))));
        fmt::vformat_to(fmt::appender(out), format.empty() ? fmt::string_view("{}") : f,
                        fmt::make_format_args(tp));
      });
      return;
    case arg_type::user: {
      const std::byte* bytes = nullptr;
      if (!r.read_bytes(n.size, bytes) || n.format == nullptr) return;
      text_.clear();
      n.format(bytes, format.empty() ? std::string_view("{}") : std::string_view(format), text_);
      out.append(text_.data(), text_.data() + text_.size());
      return;
    }
    case arg_type::optional: {
      std::uint8_t present = 0;
      if (!r.read(present)) return;
      if (present == 0) {
        const std::string_view none = "none";
        out.append(none.data(), none.data() + none.size());
        return;
      }
      // A present optional's value tree is its value's.
      render_arg({a.nodes, a.node + 1, a.node_count, r.pos(), a.end, a.value}, format, out);
      return;
    }
    default: {
      // Containers: their text, as fmt's ranges print them, from the tree
      // walk_args() decoded; a spec applies to that text as to a string.
      if (a.value >= values_.size()) return;
      text_.clear();
      const value* v = &values_[a.value];
      append_fmt_text(text_, a.nodes, a.node_count, a.node, v, false);
      if (format.empty()) {
        out.append(text_.data(), text_.data() + text_.size());
      } else {
        const std::string_view t = text_;
        fmt::vformat_to(fmt::appender(out), f, fmt::make_format_args(t));
      }
      return;
    }
  }
}

bool record_decoder::render_sequential(const call_site& site, const plan& p,
                                       std::span<const std::byte> args, fmt::memory_buffer& out) {
  reader r(args.data(), args.data() + args.size());
  const plain_writer w{out};
  for (std::size_t k = 0; k < p.pieces.size(); ++k) {
    w(std::string_view(p.pieces[k].literal));
    if (!visit_scalar(site.types[k].tag, r, w)) return false;
  }
  w(std::string_view(p.tail));
  return r.end() - r.pos() < 8;
}

bool record_decoder::render(const call_site& site, const plan& p, fmt::memory_buffer& out) {
  const plain_writer w{out};
  for (const piece& pc : p.pieces) {
    w(std::string_view(pc.literal));
    if (pc.arg >= args_.size()) return false;
    render_arg(args_[pc.arg], pc.format, out);
  }
  w(std::string_view(p.tail));
  (void)site;
  return true;
}

bool record_decoder::render_whole(const call_site& site, fmt::memory_buffer& out) {
  // Rare: a width or precision taken from an argument. Scalars go to fmt
  // with their types. Anything else is text: made with its placeholder's
  // spec and then written as it is, or, if that spec takes a width from
  // another argument, made plain and given the spec as a string.
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (std::size_t k = 0; k < args_.size(); ++k) {
    const arg_ref& a = args_[k];
    const type_node& n = a.nodes[a.node];
    reader r(a.data, a.end);
    if (is_scalar(n.tag) && n.tag != arg_type::text) {
      if (!visit_scalar(n.tag, r, [&](auto v) { store.push_back(v); })) return false;
      continue;
    }
    const std::string_view spec =
        k < site.format_args && site.specs != nullptr ? site.specs[k] : std::string_view();
    const bool dynamic = spec.find('{') != std::string_view::npos;
    std::string format;
    if (!spec.empty() && !dynamic && n.tag != arg_type::text) {
      format.append("{:").append(spec).push_back('}');
    }
    fmt::memory_buffer text;
    render_arg(a, format, text);
    if (dynamic) {
      store.push_back(fmt::to_string(text));
    } else {
      store.push_back(preformatted{fmt::to_string(text)});
    }
  }
  fmt::vformat_to(fmt::appender(out), fmt::string_view(site.format.data(), site.format.size()),
                  store);
  return true;
}

void record_decoder::reset() noexcept {
  args_.clear();
  values_.clear();
  pending_.clear();
  fields_.clear();
  scratch_.clear();
  text_fixups_.clear();
}

bool record_decoder::decode(const call_site& site, std::span<const std::byte> bound,
                            std::span<const std::byte> scope, std::span<const std::byte> args,
                            fmt::memory_buffer& message) noexcept {
  const std::size_t start = message.size();
  reset();
  try {
    if (bound.empty() && scope.empty()) {
      const plan& p = plan_for(site);
      if (p.sequential) {
        if (render_sequential(site, p, args, message)) return true;
        append_fallback(message, start, site, " [jot: record bytes do not match the call site]");
        return false;
      }
    }
    bool ok = walk_context(bound, field_origin::bound);
    ok = walk_context(scope, field_origin::scope) && ok;
    if (walk_args(site, args) && args_.size() >= site.format_args) {
      // The fields first: a spec that fmt rejects on the writer (one on a
      // container or a duration, which only the writer checks) costs the
      // message, not the fields.
      finish_fields();
      const plan& p = plan_for(site);
      if (p.whole ? render_whole(site, message) : render(site, p, message)) {
        if (ok) return true;
        const std::string_view note = " [jot: bound or scope fields are damaged]";
        message.append(note.data(), note.data() + note.size());
        return false;
      }
    }
    finish_fields();
    append_fallback(message, start, site, " [jot: record bytes do not match the call site]");
  } catch (const std::exception& e) {
    try {
      append_fallback(message, start, site, " [jot: format error: ");
      const std::string_view what = e.what();
      message.append(what.data(), what.data() + what.size());
      message.push_back(']');
    } catch (...) {
    }
  } catch (...) {
    fields_.clear();
  }
  return false;
}

bool record_decoder::decode(const record_header& rec, fmt::memory_buffer& message) noexcept {
  const auto* body = reinterpret_cast<const std::byte*>(&rec + 1);
  return decode(*rec.site, rec.flags, {body, rec.size - sizeof(record_header)}, message);
}

bool record_decoder::decode(const call_site& site, std::uint8_t flags,
                            std::span<const std::byte> body, fmt::memory_buffer& message) noexcept {
  const std::byte* p = body.data();
  const std::byte* end = p + body.size();
  std::span<const std::byte> bound;
  std::span<const std::byte> scope;
  if ((flags & record_has_context) != 0) {
    std::uint32_t b = 0;
    std::uint32_t s = 0;
    if (end - p >= 8) {
      std::memcpy(&b, p, 4);
      std::memcpy(&s, p + 4, 4);
      p += 8;
    }
    if (static_cast<std::size_t>(end - p) >= std::size_t{b} + s) {
      bound = {p, b};
      scope = {p + b, s};
      p += std::size_t{b} + s;
    }
  }
  if ((flags & record_preformatted) != 0) {
    return decode_preformatted(site, flags, bound, scope, {p, static_cast<std::size_t>(end - p)},
                               message);
  }
  return decode(site, bound, scope, {p, static_cast<std::size_t>(end - p)}, message);
}

bool record_decoder::decode_preformatted(const call_site& site, std::uint8_t flags,
                                         std::span<const std::byte> bound,
                                         std::span<const std::byte> scope,
                                         std::span<const std::byte> rest,
                                         fmt::memory_buffer& message) noexcept {
  const std::size_t start = message.size();
  reset();
  try {
    std::uint32_t len = 0;
    std::uint32_t args_len = 0;
    if (rest.size() >= 8) {
      std::memcpy(&len, rest.data(), 4);
      std::memcpy(&args_len, rest.data() + 4, 4);
    }
    if (rest.size() < 8 || rest.size() - 8 < std::size_t{len} + args_len) {
      append_fallback(message, start, site, " [jot: record bytes do not match the call site]");
      return false;
    }
    const auto* text = reinterpret_cast<const char*>(rest.data() + 8);
    message.append(text, text + len);
    const std::span<const std::byte> args = rest.subspan(8 + std::size_t{len}, args_len);
    bool ok = walk_context(bound, field_origin::bound);
    ok = walk_context(scope, field_origin::scope) && ok;
    if ((flags & record_message_only) == 0) ok = walk_args(site, args) && ok;
    finish_fields();
    if (ok) return true;
    const std::string_view note = " [jot: fields are damaged]";
    message.append(note.data(), note.data() + note.size());
  } catch (...) {
    fields_.clear();
  }
  return false;
}

}  // namespace jot::detail
