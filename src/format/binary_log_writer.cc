#include "format/binary_log_writer.h"

#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "backend/value_decoder.h"
#include "format/binary_log.h"
#include "jot/detail/codec.h"
#include "jot/logger.h"
#include "jot/version.h"

namespace jot::detail {

namespace {

// Walks argument bytes by their type tree, as the decoder does, to find
// where they end; with `out`, also copies them there, a deferred user
// type as the text its formatter makes with `format`. False if the bytes
// do not fit the tree. `budget` bounds the values walked (a count of
// empty elements cannot make it spin).
class arg_walker {
 public:
  arg_walker(std::string* out, std::string& text) : out_(out), text_(text) {}

  bool value(const type_node* nodes, std::size_t count, std::size_t& i, reader& r,
             std::string_view format, std::size_t depth = 0) {
    if (i >= count || depth > max_depth || ++walked_ > max_values) return false;
    const type_node& n = nodes[i];
    const std::byte* from = r.pos();
    switch (n.tag) {
      case arg_type::string:
      case arg_type::text: {
        std::uint32_t len = 0;
        const std::byte* at = nullptr;
        if (!r.read(len) || (len != null_string_length && !r.read_bytes(len, at))) return false;
        ++i;
        return copy(from, r.pos());
      }
      case arg_type::duration:
      case arg_type::time: {
        const std::byte* at = nullptr;
        if (!r.read_bytes(8, at)) return false;
        ++i;
        return copy(from, r.pos());
      }
      case arg_type::optional: {
        std::uint8_t present = 0;
        if (!r.read(present) || !copy(from, r.pos())) return false;
        if (present == 0) {
          i = skip_nodes(nodes, count, i);
          return i <= count;
        }
        ++i;
        return value(nodes, count, i, r, format, depth + 1);
      }
      case arg_type::sequence:
      case arg_type::map: {
        std::uint32_t elements = 0;
        if (!r.read(elements) || !copy(from, r.pos())) return false;
        const std::size_t end = skip_nodes(nodes, count, i);
        if (end > count) return false;
        for (std::uint32_t e = 0; e < elements; ++e) {
          std::size_t c = i + 1;
          if (!value(nodes, count, c, r, "{}", depth + 1)) return false;
          if (n.tag == arg_type::map && !value(nodes, count, c, r, "{}", depth + 1)) return false;
        }
        i = end;
        return true;
      }
      case arg_type::tuple: {
        ++i;
        for (std::uint8_t e = 0; e < n.aux; ++e) {
          if (!value(nodes, count, i, r, "{}", depth + 1)) return false;
        }
        return true;
      }
      case arg_type::user: {
        const std::byte* at = nullptr;
        if (n.format == nullptr || !r.read_bytes(n.size, at)) return false;
        ++i;
        if (out_ != nullptr) {
          text_.clear();
          n.format(at, format, text_);
          if (text_.size() > max_string_length) text_.resize(max_string_length);
          const auto len = static_cast<std::uint32_t>(text_.size());
          binlog::put_fixed(*out_, len);
          out_->append(text_);
        }
        return true;
      }
      case arg_type::field:
      case arg_type::custom:
        return false;
      default: {
        const std::size_t size = fixed_size(n.tag);
        const std::byte* at = nullptr;
        if (size == 0 || !r.read_bytes(size, at)) return false;
        ++i;
        if (n.tag == arg_type::f80 && out_ != nullptr) {
          // x87's 80 bits: the rest is padding the caller never wrote.
          constexpr std::size_t value_bytes =
              std::numeric_limits<long double>::digits == 64 ? 10 : sizeof(long double);
          out_->append(reinterpret_cast<const char*>(at), value_bytes);
          out_->append(sizeof(long double) - value_bytes, '\0');
          return true;
        }
        return copy(from, r.pos());
      }
    }
  }

 private:
  bool copy(const std::byte* from, const std::byte* to) {
    if (out_ != nullptr) out_->append(reinterpret_cast<const char*>(from), to - from);
    return true;
  }

  std::string* out_;
  std::string& text_;
  std::size_t walked_ = 0;
};

// The arguments' bytes, walked (and with `out`, copied) by the call
// site's types: where they end, or nullptr if they do not fit.
const std::byte* walk_args(const call_site& site, const std::byte* p, const std::byte* end,
                           std::string* out, std::string& text) {
  reader r(p, end);
  arg_walker w(out, text);
  std::size_t ni = 0;
  std::size_t format_arg = 0;
  std::string format;
  for (std::uint8_t a = 0; a < site.arg_count; ++a) {
    if (ni >= site.type_count) return nullptr;
    if (site.types[ni].tag == arg_type::field) {
      std::uint16_t klen = 0;
      const std::byte* key = nullptr;
      const std::byte* from = r.pos();
      if (!r.read(klen) || !r.read_bytes(klen, key)) return nullptr;
      if (out != nullptr) out->append(reinterpret_cast<const char*>(from), r.pos() - from);
      ++ni;
      if (!w.value(site.types, site.type_count, ni, r, "{}")) return nullptr;
      continue;
    }
    // A user type at the top takes its placeholder's spec, as on the
    // writer (the spec of its first placeholder).
    format = "{}";
    if (format_arg < site.format_args && site.specs != nullptr && !site.specs[format_arg].empty()) {
      format = "{:";
      format.append(site.specs[format_arg]).push_back('}');
    }
    ++format_arg;
    if (!w.value(site.types, site.type_count, ni, r, format)) return nullptr;
  }
  // As the decoder requires: the arguments end where the record does, but
  // for its padding.
  if (r.end() - r.pos() >= 8) return nullptr;
  return r.pos();
}

// Writes a definition entry to `out` and keeps it, by id, in `defs`.
void define(std::string& out, std::vector<std::string>& defs, std::string_view e) {
  std::string& d = defs.emplace_back();
  binlog::put_varint(d, e.size());
  d.append(e);
  out.append(d);
}

bool get_varint(std::string_view s, std::size_t& at, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; at < s.size() && shift < 64; shift += 7) {
    const auto b = static_cast<std::uint8_t>(s[at++]);
    v |= std::uint64_t{b & 0x7Fu} << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

binary_log_writer::binary_log_writer() = default;
binary_log_writer::~binary_log_writer() = default;

void binary_log_writer::start_segment(std::string& out) {
  for (site_slot& s : site_cache_) s = {};
  sites_.clear();
  loggers_.clear();
  threads_.clear();
  site_defs_.clear();
  logger_defs_.clear();
  thread_defs_.clear();
  next_thread_id_ = 0;
  last_logger_ = nullptr;
  last_thread_ = nullptr;
  last_time_ns_ = 0;
  segment_entry(out);
}

void binary_log_writer::segment_entry(std::string& out) {
  std::string e;
  e.push_back(static_cast<char>(binlog::segment_kind));
  e.append(binlog::magic);
  e.push_back(static_cast<char>(binlog::version_major));
  e.push_back(static_cast<char>(binlog::version_minor));
  e.push_back(static_cast<char>(sizeof(long double)));
  e.push_back(1);  // little-endian: the only byte order jot writes
  binlog::put_string(
      e, fmt::format("{}.{}.{}", JOT_VERSION_MAJOR, JOT_VERSION_MINOR, JOT_VERSION_PATCH));
  binlog::put_varint(out, e.size());
  out.append(e);
}

const binary_log_writer::site_info& binary_log_writer::define_site(std::string& out,
                                                                   const call_site& site) {
  const auto key = reinterpret_cast<std::uintptr_t>(&site);
  site_slot& slot = site_cache_[(key >> 4) % site_slots];
  auto& owned = sites_[&site];
  if (!owned) {
    owned = std::make_unique<site_info>();
    owned->id = static_cast<std::uint32_t>(sites_.size() - 1);
    std::string e;
    e.push_back(static_cast<char>(binlog::site_kind));
    binlog::put_varint(e, owned->id);
    e.push_back(static_cast<char>(site.lvl));
    e.push_back(static_cast<char>(site.arg_count));
    e.push_back(static_cast<char>(site.format_args));
    binlog::put_varint(e, site.line);
    binlog::put_string(e, site.format);
    binlog::put_string(e, site.message_template);
    binlog::put_string(e, site.file != nullptr ? site.file : "");
    binlog::put_string(e, site.function != nullptr ? site.function : "");
    binlog::put_varint(e, site.type_count);
    for (std::uint32_t k = 0; k < site.type_count; ++k) {
      type_node n = site.types[k];
      if (n.tag == arg_type::user) {
        owned->has_user = true;
        n = {arg_type::text, 0, 0, nullptr};
      }
      if (n.tag == arg_type::f80) owned->has_user = true;
      e.push_back(static_cast<char>(n.tag));
      e.push_back(static_cast<char>(n.aux));
    }
    owned->flat = site.type_count == site.arg_count;
    for (std::uint32_t k = 0; k < site.type_count; ++k) {
      if (site.types[k].tag > arg_type::text) owned->flat = false;
    }
    if (owned->flat) {
      for (std::uint32_t k = 0; k < site.type_count; ++k) {
        owned->sizes.push_back(static_cast<std::uint8_t>(fixed_size(site.types[k].tag)));
      }
    }
    for (std::uint8_t k = 0; k < site.format_args; ++k) {
      binlog::put_string(e, site.names != nullptr ? site.names[k] : std::string_view());
    }
    for (std::uint8_t k = 0; k < site.format_args; ++k) {
      binlog::put_string(e, site.specs != nullptr ? site.specs[k] : std::string_view());
    }
    define(out, site_defs_, e);
  }
  slot = {&site, owned.get()};
  return *owned;
}

std::uint32_t binary_log_writer::define_logger(std::string& out, const logger& lg) {
  auto [it, added] = loggers_.try_emplace(&lg, static_cast<std::uint32_t>(loggers_.size()));
  if (added) {
    std::string e;
    e.push_back(static_cast<char>(binlog::logger_kind));
    binlog::put_varint(e, it->second);
    binlog::put_string(e, lg.name());
    define(out, logger_defs_, e);
  }
  last_logger_ = &lg;
  last_logger_id_ = it->second;
  return it->second;
}

std::uint32_t binary_log_writer::define_thread(std::string& out, std::uint64_t tid,
                                               std::string_view name) {
  auto [it, added] = threads_.try_emplace(tid);
  thread_info& t = it->second;
  if (added || t.name != name) {
    // New, or renamed (or its id reused by a thread of another name).
    t.id = next_thread_id_++;
    t.name = name;
    std::string e;
    e.push_back(static_cast<char>(binlog::thread_kind));
    binlog::put_varint(e, t.id);
    binlog::put_varint(e, tid);
    binlog::put_string(e, name);
    define(out, thread_defs_, e);
  }
  last_tid_ = tid;
  last_thread_ = &t;
  return t.id;
}

std::string_view binary_log_writer::make_body(const record_header& h, const call_site& site,
                                              const site_info& info) {
  const auto* begin = reinterpret_cast<const std::byte*>(&h + 1);
  const auto* end = reinterpret_cast<const std::byte*>(&h) + h.size;
  const std::byte* p = begin;
  const auto part = [&](const std::byte* to) {
    return std::string_view(reinterpret_cast<const char*>(begin),
                            static_cast<std::size_t>(to - begin));
  };
  const auto whole = [&] { return part(end); };
  if (info.flat && !info.has_user && (h.flags & (record_has_context | record_preformatted)) == 0) {
    // Scalars only: each a fixed size or a string's length and bytes.
    for (const std::uint8_t fixed : info.sizes) {
      std::size_t size = fixed;
      if (size == 0) {
        std::uint32_t len = 0;
        if (end - p < 4) return whole();
        std::memcpy(&len, p, 4);
        size = 4 + (len == null_string_length ? 0 : std::size_t{len});
      }
      if (static_cast<std::size_t>(end - p) < size) return whole();
      p += size;
    }
    if (end - p >= 8) return whole();
    return part(p);
  }
  if ((h.flags & record_has_context) != 0) {
    std::uint32_t b = 0;
    std::uint32_t s = 0;
    if (end - p < 8) return whole();
    std::memcpy(&b, p, 4);
    std::memcpy(&s, p + 4, 4);
    if (static_cast<std::size_t>(end - p) - 8 < std::size_t{b} + s) return whole();
    p += 8 + std::size_t{b} + s;
  }
  std::uint32_t message_len = 0;
  if ((h.flags & record_preformatted) != 0) {
    std::uint32_t args_len = 0;
    if (end - p < 8) return whole();
    std::memcpy(&message_len, p, 4);
    std::memcpy(&args_len, p + 4, 4);
    if (static_cast<std::size_t>(end - p) - 8 < std::size_t{message_len} + args_len) {
      return whole();
    }
    const std::byte* args = p + 8 + message_len;
    if ((h.flags & record_message_only) != 0) return part(args + args_len);
    if (!info.has_user) {
      // The caller counted the padding of the record it rendered from.
      const std::byte* args_end = walk_args(site, args, args + args_len, nullptr, text_);
      if (args_end == nullptr) return whole();
      if (args_end == args + args_len) return part(args_end);
      body_.assign(reinterpret_cast<const char*>(begin), static_cast<std::size_t>(p - begin));
      binlog::put_fixed(body_, message_len);
      binlog::put_fixed(body_, static_cast<std::uint32_t>(args_end - args));
      body_.append(reinterpret_cast<const char*>(p + 8),
                   static_cast<std::size_t>(args_end - (p + 8)));
      return body_;
    }
    body_.assign(reinterpret_cast<const char*>(begin), static_cast<std::size_t>(p - begin));
    binlog::put_fixed(body_, message_len);
    binlog::put_fixed(body_, std::uint32_t{0});  // the arguments' length, set below
    body_.append(reinterpret_cast<const char*>(p + 8), message_len);
    const std::size_t args_at = body_.size();
    if (walk_args(site, args, args + args_len, &body_, text_) == nullptr) return whole();
    const auto n = static_cast<std::uint32_t>(body_.size() - args_at);
    std::memcpy(body_.data() + (args_at - message_len - 4), &n, 4);
    return body_;
  }
  if (!info.has_user) {
    const std::byte* args_end = walk_args(site, p, end, nullptr, text_);
    return args_end == nullptr ? whole() : part(args_end);
  }
  body_.assign(reinterpret_cast<const char*>(begin), static_cast<std::size_t>(p - begin));
  if (walk_args(site, p, end, &body_, text_) == nullptr) return whole();
  return body_;
}

void binary_log_writer::append(std::string& out, const raw_record& r) {
  const record_header& h = *r.rec;
  const site_info& info = site_of(out, *h.site);
  const std::uint32_t lid = logger_of(out, *h.log);
  const std::uint32_t tid = thread_of(out, r.thread_id, r.thread_name);
  const std::string_view body = make_body(h, *h.site, info);
  const std::uint64_t dt = binlog::zigzag(static_cast<std::int64_t>(
      static_cast<std::uint64_t>(r.time_ns) - static_cast<std::uint64_t>(last_time_ns_)));
  last_time_ns_ = r.time_ns;
  // The entry's length, then its head (kind, ids, time), then the body:
  // the writer's path for every record.
  char head[10 + 1 + 4 * 10];
  std::size_t n = 10;
  head[n++] = static_cast<char>(binlog::record_kind_bit | (h.flags & binlog::record_flag_mask));
  auto put = [&](std::uint64_t v) {
    while (v >= 0x80) {
      head[n++] = static_cast<char>((v & 0x7F) | 0x80);
      v >>= 7;
    }
    head[n++] = static_cast<char>(v);
  };
  put(info.id);
  put(lid);
  put(tid);
  put(dt);
  // The length goes in front of the head, right-aligned in its 10 bytes.
  const std::uint64_t length = n - 10 + body.size();
  std::size_t k = 1;
  for (std::uint64_t more = length >> 7; more != 0; more >>= 7) ++k;
  std::uint64_t rest = length;
  for (std::size_t i = 10 - k; i < 10; ++i, rest >>= 7) {
    head[i] = static_cast<char>(i + 1 < 10 ? (rest & 0x7F) | 0x80 : rest);
  }
  const std::size_t at = out.size();
  try {
    out.append(head + 10 - k, n - 10 + k);
    out.append(body);
  } catch (...) {
    out.resize(at);  // never half an entry
    throw;
  }
}

}  // namespace jot::detail

namespace jot::detail {

void binary_log_writer::restate(std::string& out, const mark& m) const {
  segment_entry(out);
  for (std::size_t i = 0; i < m.sites && i < site_defs_.size(); ++i) out.append(site_defs_[i]);
  for (std::size_t i = 0; i < m.loggers && i < logger_defs_.size(); ++i) {
    out.append(logger_defs_[i]);
  }
  for (std::size_t i = 0; i < m.threads && i < thread_defs_.size(); ++i) {
    out.append(thread_defs_[i]);
  }
}

void binary_log_writer::rebase(std::string& entries, std::string_view prefix, const mark& m) {
  // Only what this writer wrote is here, so the entries parse; should one
  // not, it is left as it is (the reader reports it).
  std::size_t at = 0;
  while (at < entries.size()) {
    const std::size_t start = at;
    std::uint64_t len = 0;
    if (!get_varint(entries, at, len) || len == 0 || len > entries.size() - at) return;
    const auto kind = static_cast<std::uint8_t>(entries[at]);
    if (kind == binlog::segment_kind) {
      if (start == 0) return;  // decodes on its own already
      break;                   // definitions only, then a segment of its own
    }
    if ((kind & binlog::record_kind_bit) == 0) {
      at += len;
      continue;
    }
    // The first record: its time goes from the previous record's to the
    // segment's start (0).
    std::size_t p = at + 1;
    std::uint64_t ids[3];
    std::uint64_t dt = 0;
    if (!get_varint(entries, p, ids[0]) || !get_varint(entries, p, ids[1]) ||
        !get_varint(entries, p, ids[2]) || !get_varint(entries, p, dt) || p > at + len) {
      return;
    }
    const std::int64_t time_ns = static_cast<std::int64_t>(
        static_cast<std::uint64_t>(m.time_ns) + static_cast<std::uint64_t>(binlog::unzigzag(dt)));
    std::string e;
    e.push_back(entries[at]);
    for (const std::uint64_t id : ids) binlog::put_varint(e, id);
    binlog::put_varint(e, binlog::zigzag(time_ns));
    e.append(entries, p, at + len - p);
    std::string out(prefix);
    out.reserve(prefix.size() + entries.size() + 16);
    out.append(entries, 0, start);
    binlog::put_varint(out, e.size());
    out.append(e);
    out.append(entries, at + len, std::string::npos);
    entries.swap(out);
    return;
  }
  entries.insert(0, prefix);
}

}  // namespace jot::detail
