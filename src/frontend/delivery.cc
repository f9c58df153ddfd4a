// The delivery modes that format on the caller: sync and async_eager.
#include <pthread.h>

#include <cstring>
#include <new>

#include "backend/backend.h"
#include "backend/dispatch.h"
#include "backend/lifecycle.h"
#include "backend/queues.h"
#include "frontend/delivery.h"
#include "jot/logger.h"
#include "jot/sink.h"
#include "platform/clock.h"
#include "platform/thread.h"

namespace jot::detail {

namespace {

constinit thread_local caller_state* tls_caller = nullptr;

void free_caller(void* p) noexcept {
  tls_caller = nullptr;
  delete static_cast<caller_state*>(p);
}

const pthread_key_t* caller_key() noexcept {
  static pthread_key_t key;
  static const bool ready = pthread_key_create(&key, free_caller) == 0;
  return ready ? &key : nullptr;
}

// Marks the thread as rendering for the scope of a call.
class busy_scope {
 public:
  explicit busy_scope(caller_state& c) noexcept : c_(c) { c_.busy = true; }
  ~busy_scope() { c_.busy = false; }
  busy_scope(const busy_scope&) = delete;
  busy_scope& operator=(const busy_scope&) = delete;

 private:
  caller_state& c_;
};

// The thread's state if it may render now.
caller_state* ready_caller() noexcept {
  if (holds_consumer_role()) return nullptr;
  caller_state* c = this_caller();
  return c != nullptr && !c->busy ? c : nullptr;
}

}  // namespace

caller_state* this_caller() noexcept {
  if (tls_caller != nullptr) return tls_caller;
  const pthread_key_t* key = caller_key();
  if (key == nullptr) return nullptr;
  try {
    auto* c = new caller_state;
    c->thread_id = current_thread_id();
    c->thread_name = current_thread_name();
    if (pthread_setspecific(*key, c) != 0) {
      delete c;
      return nullptr;
    }
    tls_caller = c;
    return c;
  } catch (...) {
    return nullptr;
  }
}

bool write_direct(const logger& /*lg*/, std::byte* entry, std::size_t size) noexcept {
  caller_state* c = ready_caller();
  if (c == nullptr) return false;
  // The writer still flushes by time and when idle, for these sinks too.
  static_cast<void>(ensure_started());
  {
    const busy_scope busy(*c);
    const sync_write_scope writing;
    try {
      auto* h = reinterpret_cast<record_header*>(entry);
      h->size = static_cast<std::uint32_t>(size);
      c->d.emit(*h, realtime_ns(), c->thread_id, c->thread_name);
      the_queues().count_written_on_caller(size);
    } catch (...) {
      report_error("a record could not be written on the calling thread");
    }
  }
  // shutdown() ran meanwhile (this call read the logger's state before it):
  // no writer will flush what this call left in the sinks' buffers.
  if (!writer_running()) flush();
  return true;
}

eager_record::~eager_record() {
  if (owner_ != nullptr) owner_->busy = false;
}

eager_record render_eager(const std::byte* entry, std::size_t size) noexcept {
  caller_state* c = ready_caller();
  if (c == nullptr) return {};
  try {
    const auto* h = reinterpret_cast<const record_header*>(entry);
    const auto* body = entry + sizeof(record_header);
    const auto* end = entry + size;
    // The context section, copied as it is.
    std::size_t context = 0;
    if ((h->flags & record_has_context) != 0 && end - body >= 8) {
      std::uint32_t b = 0;
      std::uint32_t s = 0;
      std::memcpy(&b, body, 4);
      std::memcpy(&s, body + 4, 4);
      context = std::min<std::size_t>(8 + std::size_t{b} + s, static_cast<std::size_t>(end - body));
    }
    // Busy until the eager_record is gone (its record is in the ring): a
    // call made meanwhile (by a deferred user type, or an error handler)
    // must not reuse the buffers.
    c->busy = true;
    eager_record out_record(c);
    c->message.clear();
    bool call_fields = false;
    static_cast<void>(c->d.render_message(*h, c->message));
    for (const field& f : c->d.fields())
      call_fields = call_fields || f.origin == field_origin::call;
    const std::size_t args = call_fields ? static_cast<std::size_t>(end - body) - context : 0;
    const std::size_t text = c->message.size();
    const std::size_t out_size = align8(sizeof(record_header) + context + 8 + text + args);
    // Too large: the entry goes as it came (and is reported as too large).
    if (text > max_record_size || out_size > max_record_size) return out_record;
    c->entry.assign(out_size / 8, 0);
    auto* out = reinterpret_cast<std::byte*>(c->entry.data());
    std::memcpy(out, entry, sizeof(record_header));
    auto* oh = reinterpret_cast<record_header*>(out);
    oh->size = static_cast<std::uint32_t>(out_size);
    oh->flags = static_cast<std::uint8_t>(h->flags | record_preformatted |
                                          (call_fields ? 0 : record_message_only));
    std::byte* p = out + sizeof(record_header);
    std::memcpy(p, body, context);
    p += context;
    const auto len = static_cast<std::uint32_t>(text);
    const auto args_len = static_cast<std::uint32_t>(args);
    std::memcpy(p, &len, 4);
    std::memcpy(p + 4, &args_len, 4);
    std::memcpy(p + 8, c->message.data(), text);
    p += 8 + text;
    if (args != 0) std::memcpy(p, body + context, args);
    out_record.data = out;
    out_record.size = out_size;
    return out_record;
  } catch (...) {
    // Out of memory: the entry goes as it came.
    return {};
  }
}

void build_delivery_statics() noexcept { static_cast<void>(caller_key()); }

}  // namespace jot::detail
