// Turning a record's argument bytes back into a message.
#pragma once

#include <cstddef>
#include <string>

#include <fmt/args.h>
#include <fmt/format.h>

#include "jot/detail/wire.h"

namespace jot::detail {

using arg_store = fmt::dynamic_format_arg_store<fmt::format_context>;

// Appends the message of a record of `site` whose argument bytes are
// [args, end) to `out`. Bytes that do not match the call site's argument
// types, or a format the arguments do not fit, never throw: the message
// becomes the format string followed by a bracketed note, so nothing is
// silently lost. `store` is scratch space reused between calls. Returns
// false in those cases.
bool render_message(const call_site& site, const std::byte* args, const std::byte* end,
                    std::string& out, arg_store& store) noexcept;

}  // namespace jot::detail
