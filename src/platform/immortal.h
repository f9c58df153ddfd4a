// Objects that are built on first use and never destroyed.
#pragma once

#include <new>
#include <utility>

namespace jot::detail {

// Storage for a T that is never destroyed: shutdown runs from an exit hook
// after some static destructors, and static destructors may log, so what
// the writer and the log calls use must outlive them all. Used as a
// function-local static, it is built on first use (thread-safely) without
// touching the heap, and its trivial destructor registers nothing at exit.
template <class T>
class immortal {
 public:
  template <class... Args>
  explicit immortal(Args&&... args) {
    ::new (static_cast<void*>(storage_)) T(std::forward<Args>(args)...);
  }
  T& get() noexcept { return *std::launder(reinterpret_cast<T*>(storage_)); }

 private:
  alignas(T) unsigned char storage_[sizeof(T)];
};

}  // namespace jot::detail
