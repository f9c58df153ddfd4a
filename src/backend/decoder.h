// Turning a record's bytes back into a message and typed fields.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "backend/value_decoder.h"
#include "jot/detail/wire.h"
#include "jot/record.h"

namespace jot::detail {

// Decodes records on the writer thread.
//
// The message: each call site's format (as fmt sees it, names replaced by
// numbers) is parsed once, the first time one of its records is seen, into
// literal text and placeholders. A placeholder without a spec writes its
// decoded argument straight after the text; one with a spec formats that
// argument alone with fmt, with the argument's own C++ type (so `{:.2f}`
// of a float gives what fmt gives on the caller). Formats with nested
// fields (a width taken from an argument) go through fmt whole.
//
// The fields: bound and scope fields from the record's context section,
// then the arguments of named placeholders, then the jot::kv arguments,
// each decoded into a tree of jot::value.
//
// Bytes that do not match the call site's argument types never throw or
// read outside the record: the message becomes the format followed by a
// bracketed note, so nothing is silently lost, and decode() is false.
//
// Not thread-safe: one instance per consumer.
class record_decoder {
 public:
  // `rec` is a whole record (not an indirect entry): rec.size bytes.
  bool decode(const record_header& rec, fmt::memory_buffer& message) noexcept;

  // A record's body as the ring holds it after the header (the context
  // section, an async_eager message, the arguments), for `site`, with the
  // header's flags: how the binary log's reader decodes.
  bool decode(const call_site& site, std::uint8_t flags, std::span<const std::byte> body,
              fmt::memory_buffer& message) noexcept;

  // The same, from the parts (for tests and fuzzing): `context` is the
  // context section's bound and scope bytes, `args` the arguments.
  bool decode(const call_site& site, std::span<const std::byte> bound,
              std::span<const std::byte> scope, std::span<const std::byte> args,
              fmt::memory_buffer& message) noexcept;

  // The fields of the last decoded record, valid until the next decode.
  std::span<const field> fields() const noexcept { return fields_; }

 private:
  struct piece {
    std::string literal;  // text before the placeholder
    std::size_t arg = 0;  // argument number
    std::string format;   // "{:spec}", or empty for no spec
  };
  struct plan {
    bool whole = false;  // nested fields: fmt formats the whole message
    // The common case: `{}` placeholders in order, one per argument, all
    // scalars, no names and no jot::kv. Rendered in one pass over the
    // bytes, with no fields to decode.
    bool sequential = false;
    std::vector<piece> pieces;
    std::string tail;  // text after the last placeholder
  };
  struct arg_ref {
    const type_node* nodes = nullptr;  // the tree the argument belongs to
    std::size_t node = 0;              // its node
    std::size_t node_count = 0;
    const std::byte* data = nullptr;  // its first byte
    const std::byte* end = nullptr;   // the end of the record's bytes
    // Its decoded tree in values_ (compound and named arguments), or none.
    std::size_t value = static_cast<std::size_t>(-1);
  };
  struct pending_field {
    std::string_view key;
    std::size_t value;  // index in values_
    field_origin origin;
  };

  // A record whose message the caller rendered (delivery::async_eager):
  // the message is copied, the fields decoded. `rest` follows the context.
  bool decode_preformatted(const call_site& site, std::uint8_t flags,
                           std::span<const std::byte> bound, std::span<const std::byte> scope,
                           std::span<const std::byte> rest, fmt::memory_buffer& message) noexcept;
  // Forgets the last record's arguments, values and fields.
  void reset() noexcept;
  const plan& plan_for(const call_site& site);
  bool walk_args(const call_site& site, std::span<const std::byte> args);
  bool walk_context(std::span<const std::byte> bytes, field_origin origin);
  bool render(const call_site& site, const plan& p, fmt::memory_buffer& out);
  static bool render_sequential(const call_site& site, const plan& p,
                                std::span<const std::byte> args, fmt::memory_buffer& out);
  bool render_whole(const call_site& site, fmt::memory_buffer& out);
  void render_arg(const arg_ref& a, const std::string& format, fmt::memory_buffer& out);
  void finish_fields();

  // A small direct-mapped cache in front of the map: most records come
  // from a few call sites.
  struct slot {
    const call_site* site = nullptr;
    const plan* p = nullptr;
  };
  static constexpr std::size_t cache_slots = 256;
  slot cache_[cache_slots];
  std::unordered_map<const call_site*, std::unique_ptr<plan>> plans_;

  std::vector<arg_ref> args_;
  std::vector<value> values_;
  std::vector<pending_field> pending_;
  std::vector<pending_field> kv_pending_;  // jot::kv fields, placed after the named ones
  std::vector<field> fields_;
  std::string scratch_;  // text of values that is not in the record's bytes
  std::vector<text_fixup> text_fixups_;
  std::vector<type_node> context_nodes_;
  std::string text_;  // an argument rendered alone
};

}  // namespace jot::detail
