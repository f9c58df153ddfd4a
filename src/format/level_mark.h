// Where the lines a pattern formatter rendered for the record being written
// on this thread have their level name, so that the console sink can
// colour exactly that token (and nothing in a message, nor a line from
// another formatter).
//
// Rendering and writing a record happen on one thread (the writer, or a
// thread in delivery::sync mode): the dispatcher forgets the marks when it
// starts a record, each pattern formatter notes one for the line it
// renders, and a sink that finds a mark for the very line it is given
// (same bytes, same length) knows the line came from a pattern formatter
// for this record and where its level token is. The record's lines are
// all alive at once, so no two of them share an address.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace jot::detail {

struct level_mark {
  const char* line = nullptr;  // the rendered line (its first byte)
  std::size_t size = 0;        // its length
  std::size_t at = 0;          // the level name's offset in it
  std::size_t length = 0;      // the level name's length (0: none written)
};

// The marks of the current record's lines on this thread: its sinks may
// use several formatters, each line shared by its sinks. Past four pattern
// formatters in one record, the earliest marks are replaced: those lines
// are written uncoloured.
class level_marks {
 public:
  void clear() noexcept {
    marks_.fill({});
    next_ = 0;
  }
  void note(const level_mark& m) noexcept {
    marks_[next_] = m;
    next_ = (next_ + 1) % marks_.size();
  }
  // The mark of `line`, or nullptr if no pattern formatter rendered it
  // lately or it has no level name.
  const level_mark* find(std::string_view line) const noexcept {
    for (const level_mark& m : marks_) {
      if (m.length != 0 && m.line == line.data() && m.size == line.size()) return &m;
    }
    return nullptr;
  }

 private:
  std::array<level_mark, 4> marks_{};
  std::size_t next_ = 0;
};

inline thread_local level_marks tls_level_marks;

}  // namespace jot::detail
