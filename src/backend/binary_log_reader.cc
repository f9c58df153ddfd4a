// Reading the binary log (format: src/format/binary_log.h) through the
// writer's own decoder, so that a decoded record renders byte for byte as
// the text sinks render it.
#include "jot/binary_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "backend/decoder.h"
#include "format/binary_log.h"
#include "platform/error_text.h"

namespace jot {

namespace {

using detail::binlog::cursor;

// A call site as the file describes it; the views point into `text`.
struct file_site {
  detail::call_site site{};
  std::string text;
  std::vector<detail::type_node> types;
  std::vector<std::string_view> names;
  std::vector<std::string_view> specs;
  std::string file;  // NUL-terminated, as call_site wants
  std::string function;
};

struct file_thread {
  std::uint64_t tid = 0;
  std::string name;
};

// A number of seven digits or more in a format: fmt would allocate that
// much for a width, which no real call site asks for but a damaged file may.
bool huge_width(std::string_view format) {
  int digits = 0;
  for (const char c : format) {
    digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
    if (digits >= 7) return true;
  }
  return false;
}

}  // namespace

struct binary_log_reader::impl {
  std::string buf;
  std::size_t pos = 0;      // the next entry in buf
  std::uint64_t base = 0;   // the input offset of buf[0]
  bool in_segment = false;  // a segment entry was read
  bool scanning = false;    // looking for a segment after damage
  bool is_fatal = false;
  bool complete = false;        // close_input(): no more bytes will come
  std::uint64_t scan_from = 0;  // where the damage was
  std::string error;
  std::uint64_t records = 0;
  std::uint8_t minor = 0;
  bool long_double_ok = true;

  std::vector<std::unique_ptr<file_site>> sites;
  std::vector<std::string> loggers;
  std::vector<file_thread> threads;
  std::int64_t time_ns = 0;
  // A new decoder for each segment: it keeps plans by call site address.
  std::unique_ptr<detail::record_decoder> decoder;
  fmt::memory_buffer message;

  std::uint64_t offset() const noexcept { return base + pos; }

  status damaged(std::uint64_t at, std::string_view why) {
    error = fmt::format("offset {}: {}", at, why);
    scanning = true;
    scan_from = at;
    pos = static_cast<std::size_t>(at - base) + 1;
    return status::failed;
  }
  status refuse(std::uint64_t at, std::string_view why) {
    error = fmt::format("offset {}: {}", at, why);
    is_fatal = true;
    return status::failed;
  }

  // After damage: moves to the next segment entry, if the bytes fed hold
  // one.
  bool find_segment() {
    static constexpr char pattern[] = {'\0', 'J', 'O', 'T', 'B', 'L', 'O', 'G'};
    const std::string_view needle(pattern, sizeof pattern);
    const std::size_t at = buf.find(needle, pos + 1);
    if (at == std::string::npos) {
      // Keep the bytes that may start a segment whose rest is not here yet.
      if (buf.size() > pos + needle.size()) pos = buf.size() - needle.size();
      return false;
    }
    pos = at - 1;  // the segment entry's length byte
    scanning = false;
    in_segment = false;
    return true;
  }

  status segment(cursor& c, std::uint64_t at) {
    const std::byte* m = nullptr;
    std::uint8_t major = 0;
    std::uint8_t minor_v = 0;
    std::uint8_t ld = 0;
    std::uint8_t endian = 0;
    if (!c.bytes(detail::binlog::magic.size(), m) ||
        std::memcmp(m, detail::binlog::magic.data(), detail::binlog::magic.size()) != 0) {
      if (at == 0) return refuse(at, "not a jot binary log (no header)");
      return damaged(at, "a segment header without its mark");
    }
    if (!c.u8(major) || !c.u8(minor_v) || !c.u8(ld) || !c.u8(endian)) {
      return damaged(at, "a segment header cut short");
    }
    if (major != detail::binlog::version_major) {
      return refuse(
          at, fmt::format("written in binary log format {}.{}; this jot reads format {}.x", major,
                          minor_v, detail::binlog::version_major));
    }
    if (endian != 1)
      return refuse(at, "written on a big-endian machine; this jot reads little-endian logs");
    minor = minor_v;
    long_double_ok = ld == sizeof(long double);
    sites.clear();
    loggers.clear();
    threads.clear();
    time_ns = 0;
    decoder = std::make_unique<detail::record_decoder>();
    in_segment = true;
    return status::need_more;  // nothing to return: go on
  }

  status site_entry(cursor& c, std::uint64_t at) {
    auto s = std::make_unique<file_site>();
    std::uint64_t id = 0;
    std::uint8_t lvl = 0;
    std::uint8_t arg_count = 0;
    std::uint8_t format_args = 0;
    std::uint64_t line = 0;
    std::string_view format;
    std::string_view tmpl;
    std::string_view file;
    std::string_view function;
    std::uint64_t type_count = 0;
    if (!c.varint(id) || !c.u8(lvl) || !c.u8(arg_count) || !c.u8(format_args) || !c.varint(line) ||
        !c.string(format) || !c.string(tmpl) || !c.string(file) || !c.string(function) ||
        !c.varint(type_count) || type_count > c.left() / 2) {
      return damaged(at, "a call site entry cut short");
    }
    if (id != sites.size()) return damaged(at, "a call site entry out of sequence");
    if (lvl > static_cast<std::uint8_t>(level::critical))
      return damaged(at, "a call site's level is unknown");
    if (line > 0xFFFFFFFFu) return damaged(at, "a call site's line is out of range");
    if (huge_width(format)) {
      return damaged(at, "a call site's format asks for a width or precision of a million or more");
    }
    s->types.resize(type_count);
    for (auto& n : s->types) {
      std::uint8_t tag = 0;
      c.u8(tag);
      c.u8(n.aux);
      if (tag > static_cast<std::uint8_t>(detail::arg_type::field) ||
          tag == static_cast<std::uint8_t>(detail::arg_type::user)) {
        return damaged(at, "a call site's argument type is unknown");
      }
      if (tag == static_cast<std::uint8_t>(detail::arg_type::f80) && !long_double_ok) {
        return damaged(at, "a long double argument written with another size of long double");
      }
      n.tag = static_cast<detail::arg_type>(tag);
    }
    // The views go into one string, sized first so that they stay put.
    std::vector<std::string_view> parts;
    for (std::uint8_t k = 0; k < 2 * format_args; ++k) {
      std::string_view v;
      if (!c.string(v)) return damaged(at, "a call site entry cut short");
      parts.push_back(v);
    }
    std::size_t total = format.size() + tmpl.size();
    for (auto v : parts) total += v.size();
    s->text.reserve(total);
    auto keep = [&](std::string_view v) {
      const std::size_t from = s->text.size();
      s->text.append(v);
      return std::string_view(s->text.data() + from, v.size());
    };
    s->file = file;
    s->function = function;
    detail::call_site& cs = s->site;
    cs.lvl = static_cast<level>(lvl);
    cs.arg_count = arg_count;
    cs.line = static_cast<std::uint32_t>(line);
    cs.format = keep(format);
    cs.message_template = keep(tmpl);
    for (std::uint8_t k = 0; k < format_args; ++k) s->names.push_back(keep(parts[k]));
    for (std::uint8_t k = 0; k < format_args; ++k) s->specs.push_back(keep(parts[format_args + k]));
    cs.file = s->file.c_str();
    cs.function = s->function.c_str();
    cs.types = s->types.data();
    cs.type_count = static_cast<std::uint32_t>(type_count);
    cs.names = s->names.data();
    cs.specs = s->specs.data();
    cs.format_args = format_args;
    sites.push_back(std::move(s));
    return status::need_more;
  }

  status record_entry(cursor& c, std::uint8_t kind, std::uint64_t at, record_view& rec) {
    std::uint64_t site = 0;
    std::uint64_t lg = 0;
    std::uint64_t th = 0;
    std::uint64_t dt = 0;
    if (!c.varint(site) || !c.varint(lg) || !c.varint(th) || !c.varint(dt)) {
      return damaged(at, "a record cut short");
    }
    if (site >= sites.size()) return damaged(at, "a record of an undefined call site");
    if (lg >= loggers.size()) return damaged(at, "a record of an undefined logger");
    if (th >= threads.size()) return damaged(at, "a record of an undefined thread");
    time_ns = static_cast<std::int64_t>(static_cast<std::uint64_t>(time_ns) +
                                        static_cast<std::uint64_t>(detail::binlog::unzigzag(dt)));
    const detail::call_site& cs = sites[site]->site;
    message.clear();
    decoder->decode(cs, kind & detail::binlog::record_flag_mask, {c.pos(), c.left()}, message);
    rec = record_view{};
    rec.time_ns = time_ns;
    rec.lvl = cs.lvl;
    rec.logger_name = loggers[lg];
    rec.message = std::string_view(message.data(), message.size());
    rec.format = cs.message_template;
    rec.file = cs.file;
    rec.function = cs.function;
    rec.line = cs.line;
    rec.thread_id = threads[th].tid;
    rec.thread_name = threads[th].name;
    rec.fields = decoder->fields();
    ++records;
    return status::record;
  }

  status next(record_view& rec) {
    if (is_fatal) return status::failed;
    for (;;) {
      if (scanning && !find_segment()) return status::need_more;
      const std::uint64_t at = offset();
      if (at == 0 && buf.size() >= 9 && buf.compare(1, 8, std::string_view("\0JOTBLOG", 8)) != 0) {
        return refuse(at, "not a jot binary log (no header)");
      }
      cursor c(reinterpret_cast<const std::byte*>(buf.data()) + pos,
               reinterpret_cast<const std::byte*>(buf.data()) + buf.size());
      std::uint64_t len = 0;
      if (!c.varint(len)) {
        if (c.left() >= 10) return damaged(at, "an entry's length is malformed");
        return status::need_more;
      }
      if (len == 0 || len > detail::binlog::max_entry_bytes) {
        return damaged(at, fmt::format("an entry's length ({} bytes) is impossible", len));
      }
      if (c.left() < len) {
        // Past this entry's own kind byte: a segment entry cut short is no
        // segment to go on at.
        const auto own =
            static_cast<std::size_t>(c.pos() - reinterpret_cast<const std::byte*>(buf.data()));
        if (complete && buf.find(std::string_view("\0JOTBLOG", 8), own + 1) != std::string::npos) {
          return damaged(at, fmt::format("an entry of {} bytes runs past a later segment", len));
        }
        return status::need_more;
      }
      cursor e(c.pos(), c.pos() + len);
      pos = static_cast<std::size_t>(c.pos() - reinterpret_cast<const std::byte*>(buf.data())) +
            static_cast<std::size_t>(len);
      std::uint8_t kind = 0;
      e.u8(kind);
      if (!in_segment && kind != detail::binlog::segment_kind) {
        if (at == 0) return refuse(at, "not a jot binary log (no header)");
        return damaged(at, "an entry before any segment header");
      }
      status s = status::need_more;
      if (kind == detail::binlog::segment_kind) {
        s = segment(e, at);
      } else if (kind == detail::binlog::site_kind) {
        s = site_entry(e, at);
      } else if (kind == detail::binlog::logger_kind) {
        std::uint64_t id = 0;
        std::string_view name;
        if (!e.varint(id) || !e.string(name)) return damaged(at, "a logger entry cut short");
        if (id != loggers.size()) return damaged(at, "a logger entry out of sequence");
        loggers.emplace_back(name);
      } else if (kind == detail::binlog::thread_kind) {
        std::uint64_t id = 0;
        file_thread t;
        std::string_view name;
        if (!e.varint(id) || !e.varint(t.tid) || !e.string(name)) {
          return damaged(at, "a thread entry cut short");
        }
        if (id != threads.size()) return damaged(at, "a thread entry out of sequence");
        t.name = name;
        threads.push_back(std::move(t));
      } else if ((kind & detail::binlog::record_kind_bit) != 0 &&
                 (kind & ~(detail::binlog::record_kind_bit | detail::binlog::record_flag_mask)) ==
                     0) {
        return record_entry(e, kind, at, rec);
      } else if (minor <= detail::binlog::version_minor) {
        return damaged(at, fmt::format("an entry of unknown kind {:#04x}", kind));
      }
      // else: an entry a later minor version added; skipped.
      if (s == status::failed) return s;
    }
  }

  void feed(std::string_view bytes) {
    // Drop what is consumed once it is most of the buffer.
    if (pos > 0 && pos >= buf.size() / 2) {
      buf.erase(0, pos);
      base += pos;
      pos = 0;
    }
    buf.append(bytes);
  }
};

binary_log_reader::binary_log_reader() : impl_(std::make_unique<impl>()) {}
binary_log_reader::~binary_log_reader() = default;

void binary_log_reader::feed(std::string_view bytes) { impl_->feed(bytes); }

void binary_log_reader::close_input() noexcept { impl_->complete = true; }

binary_log_reader::status binary_log_reader::next(record_view& rec) { return impl_->next(rec); }

const std::string& binary_log_reader::error() const noexcept { return impl_->error; }

bool binary_log_reader::fatal() const noexcept { return impl_->is_fatal; }

std::uint64_t binary_log_reader::records() const noexcept { return impl_->records; }

std::uint64_t binary_log_reader::offset() const noexcept { return impl_->offset(); }

std::string binary_log_reader::finish() const {
  const impl& d = *impl_;
  if (d.is_fatal) return d.error;
  const std::uint64_t end = d.base + d.buf.size();
  if (d.scanning) {
    return fmt::format("offset {}: damaged; no segment follows ({} bytes skipped to the end)",
                       d.scan_from, end - d.scan_from);
  }
  if (end == 0) return "empty: not a jot binary log";
  if (d.pos < d.buf.size()) {
    return fmt::format(
        "offset {}: cut short: the last {} bytes are an incomplete entry (a crash, or a file "
        "still being written); {} whole records before it",
        d.offset(), d.buf.size() - d.pos, d.records);
  }
  return {};
}

std::string read_binary_log(const std::string& path,
                            const std::function<void(const record_view&)>& on_record) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fmt::format("{}: cannot open: {}", path, detail::error_text(errno));
  binary_log_reader reader;
  std::string problems;
  std::vector<char> chunk(std::size_t{1} << 20);
  record_view rec;
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      problems += fmt::format("{}: cannot read: {}\n", path, detail::error_text(errno));
      break;
    }
    if (n == 0) {
      reader.close_input();
    } else {
      reader.feed(std::string_view(chunk.data(), static_cast<std::size_t>(n)));
    }
    for (;;) {
      const binary_log_reader::status s = reader.next(rec);
      if (s == binary_log_reader::status::record) {
        on_record(rec);
      } else if (s == binary_log_reader::status::failed) {
        problems += fmt::format("{}: {}\n", path, reader.error());
        if (reader.fatal()) break;
      } else {
        break;
      }
    }
    if (reader.fatal() || n == 0) break;
  }
  ::close(fd);
  if (!reader.fatal()) {
    const std::string end = reader.finish();
    if (!end.empty()) problems += fmt::format("{}: {}\n", path, end);
  }
  if (!problems.empty()) problems.pop_back();
  return problems;
}

}  // namespace jot
