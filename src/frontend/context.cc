// The caller's side of fields: scope fields per thread, and the text of
// user-type arguments formatted on the caller.
#include <pthread.h>

#include <cstdlib>
#include <cstring>
#include <deque>
#include <new>
#include <string>

#include <fmt/format.h>

#include "backend/backend.h"
#include "backend/lifecycle.h"
#include "frontend/thread_state.h"
#include "jot/field.h"
#include "jot/logger.h"
#include "jot/sink.h"

namespace jot::detail {

void invalid_message_template(const char* /*why*/) {}

constinit thread_local scope_state tls_scope;

namespace {

// The scope bytes live in a malloc'ed buffer owned through a pthread key,
// not a thread_local object: key destructors run after every C++
// thread_local destructor, so user objects that log from their own
// thread_local destructors still find their scope intact.
struct scope_buffer {
  std::byte* data = nullptr;
  std::size_t size = 0;
  std::size_t capacity = 0;
};
constinit thread_local scope_buffer tls_scope_buffer;

void free_scope_buffer(void* p) noexcept {
  tls_scope = {};
  tls_scope_buffer = {};
  std::free(p);
}

const pthread_key_t* scope_key() noexcept {
  static pthread_key_t key;
  static const bool ready = pthread_key_create(&key, free_scope_buffer) == 0;
  return ready ? &key : nullptr;
}

// Per thread: one string per user-type argument of the calls under way (a
// formatter may log, so calls nest). Owned through a pthread key, like the
// scope bytes, so that thread_local destructors may still log user types.
struct caller_texts {
  std::deque<std::string> slots;  // stable: nested calls may add slots
  std::size_t used = 0;
};
constinit thread_local caller_texts* tls_texts = nullptr;

void free_caller_texts(void* p) noexcept {
  tls_texts = nullptr;
  delete static_cast<caller_texts*>(p);
}

const pthread_key_t* texts_key() noexcept {
  static pthread_key_t key;
  static const bool ready = pthread_key_create(&key, free_caller_texts) == 0;
  return ready ? &key : nullptr;
}

// nullptr only when out of memory.
caller_texts* texts() noexcept {
  if (tls_texts == nullptr) {
    tls_texts = new (std::nothrow) caller_texts;
    if (tls_texts != nullptr) {
      if (const pthread_key_t* key = texts_key()) pthread_setspecific(*key, tls_texts);
    }
  }
  return tls_texts;
}

}  // namespace

std::uint32_t scope_push(std::string_view fields) noexcept {
  scope_buffer& b = tls_scope_buffer;
  const auto previous = static_cast<std::uint32_t>(b.size);
  if (fields.empty()) return previous;
  if (b.size + fields.size() > 0xFFFFFFF0u - 8) {
    report_error("jot::scope: scope fields above 4 GiB are ignored");
    return previous;
  }
  if (b.size + fields.size() > b.capacity) {
    std::size_t cap = b.capacity == 0 ? 256 : b.capacity * 2;
    while (cap < b.size + fields.size()) cap *= 2;
    void* grown = std::realloc(b.data, cap);
    if (grown == nullptr) {
      report_error("jot::scope: out of memory, its fields are ignored");
      return previous;
    }
    if (b.data == nullptr) {
      if (const pthread_key_t* key = scope_key()) pthread_setspecific(*key, grown);
    } else if (grown != b.data) {
      if (const pthread_key_t* key = scope_key()) pthread_setspecific(*key, grown);
    }
    b.data = static_cast<std::byte*>(grown);
    b.capacity = cap;
  }
  std::memcpy(b.data + b.size, fields.data(), fields.size());
  b.size += fields.size();
  tls_scope = {b.data, static_cast<std::uint32_t>(b.size)};
  return previous;
}

void scope_pop(std::uint32_t previous) noexcept {
  scope_buffer& b = tls_scope_buffer;
  if (previous < b.size) b.size = previous;
  tls_scope = {b.data, static_cast<std::uint32_t>(b.size)};
}

std::size_t caller_text_mark() noexcept {
  caller_texts* t = texts();
  return t == nullptr ? 0 : t->used;
}

void caller_text_release(std::size_t mark) noexcept {
  if (caller_texts* t = texts()) t->used = mark;
}

std::string_view format_on_caller(std::string_view spec, fmt::format_args args) noexcept {
  caller_texts* tp = texts();
  if (tp == nullptr) return "[jot: out of memory formatting an argument]";
  caller_texts& t = *tp;
  try {
    if (t.used == t.slots.size()) t.slots.emplace_back();
    std::string& out = t.slots[t.used++];
    out.clear();
    try {
      if (spec.empty()) {
        fmt::vformat_to(std::back_inserter(out), "{}", args);
      } else {
        std::string f;
        f.reserve(spec.size() + 3);
        f.append("{:").append(spec).push_back('}');
        fmt::vformat_to(std::back_inserter(out), f, args);
      }
    } catch (const std::exception& e) {
      out.clear();
      fmt::format_to(std::back_inserter(out), "[jot: format error: {}]", e.what());
    }
    return out;
  } catch (...) {
    return "[jot: out of memory formatting an argument]";
  }
}

void prepare_caller_texts() noexcept {
  caller_texts* t = texts();
  if (t == nullptr || !t->slots.empty()) return;
  try {
    t->slots.emplace_back().reserve(first_text_bytes);
  } catch (...) {
    // Out of memory: the first such call allocates instead.
  }
}

void build_context_statics() noexcept {
  static_cast<void>(scope_key());
  static_cast<void>(texts_key());
}

}  // namespace jot::detail
