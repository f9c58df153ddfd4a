// The systemd journal's native protocol: one entry is a list of fields,
// `NAME=value\n`, or, for a value holding a newline (or any byte at all),
// `NAME\n`, its length as 64-bit little-endian, the bytes and `\n`. A pure
// function of the record, tested byte for byte and fuzzed; the transport
// (a datagram, or a sealed memfd for a large entry) is the sink's.
#pragma once

#include <string>
#include <string_view>

#include "jot/record.h"

namespace jot::detail {

// Appends the entry for `r`: MESSAGE, PRIORITY (syslog severity),
// SYSLOG_IDENTIFIER (`identifier`, left out if empty), LOGGER, CODE_FILE,
// CODE_LINE, CODE_FUNC, TID, THREAD_NAME (if the thread has one), then each
// field of the record, its value as append_value_text shows it. Field names
// are made valid journal names (append_journal_name); a name that would be
// one of those the entry writes itself gets "F_" in front.
void encode_journal(std::string& out, const record_view& r, std::string_view identifier);

// A journal field name from any key: ASCII letters upper-cased, digits and
// '_' kept, every other byte '_'; "F_" in front of a name that is empty or
// would start with '_' or a digit (the journal refuses those, or keeps
// them for itself); at most 64 bytes.
void append_journal_name(std::string& out, std::string_view key);

// One field: `name=value\n`, or the length-prefixed form when the value
// holds a newline.
void append_journal_field(std::string& out, std::string_view name, std::string_view value);

}  // namespace jot::detail
