// The formatter a journald sink renders with: encode_journal, no line end
// (an entry is one datagram).
#pragma once

#include <string>

#include "format/journal_encoder.h"
#include "jot/formatter.h"

namespace jot::detail {

class journal_formatter final : public formatter {
 public:
  explicit journal_formatter(std::string identifier) : identifier_(std::move(identifier)) {}
  void format(const record_view& rec, std::string& out) override {
    encode_journal(out, rec, identifier_);
  }

 private:
  std::string identifier_;
};

}  // namespace jot::detail
