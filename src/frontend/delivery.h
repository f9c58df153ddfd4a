// The delivery modes that render on the calling thread (src/frontend/
// delivery.cc), as the ring path (src/frontend/submit.cc) uses them.
#pragma once

#include <cstddef>

namespace jot {
class logger;
}

namespace jot::detail {

struct caller_state;

// delivery::sync: formats and writes the entry on the calling thread, under
// each sink's lock. False if this thread cannot do so now (it is already
// rendering, or holds the consumer role): the call then goes through the
// ring.
bool write_direct(const logger& lg, std::byte* entry, std::size_t size) noexcept;

// delivery::async_eager: what render_eager() made of an entry: a record
// with the rendered message and the field values, in the calling thread's
// buffer, which stays reserved (the thread busy) while this object lives.
// data == nullptr: this thread cannot render now, or the record would be
// too large, or memory is short; the entry then goes to the ring as it came.
class eager_record {
 public:
  eager_record() noexcept = default;
  explicit eager_record(caller_state* owner) noexcept : owner_(owner) {}
  eager_record(eager_record&& o) noexcept : data(o.data), size(o.size), owner_(o.owner_) {
    o.owner_ = nullptr;
  }
  eager_record& operator=(eager_record&&) = delete;
  eager_record(const eager_record&) = delete;
  eager_record& operator=(const eager_record&) = delete;
  ~eager_record();

  std::byte* data = nullptr;
  std::size_t size = 0;

 private:
  caller_state* owner_ = nullptr;
};

eager_record render_eager(const std::byte* entry, std::size_t size) noexcept;

}  // namespace jot::detail
