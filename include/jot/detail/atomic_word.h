// A value read and written atomically, for the headers a logging file
// includes: the part of std::atomic that jot's logger, ring, clock and
// rate limits use, on the compiler's __atomic builtins, so that jot/jot.h
// does not pull in <atomic> (most of what it costs to compile beyond fmt).
// The builtins are what libstdc++'s and libc++'s std::atomic call, so the
// generated code is the same, and ThreadSanitizer sees them the same way.
//
// The memory orders are taken as std::memory_order values (src/ passes
// them; their values are the builtins' __ATOMIC_* constants) or as the
// constants below, which the headers use.
#pragma once

#include <type_traits>

namespace jot::detail {

inline constexpr int order_relaxed = __ATOMIC_RELAXED;
inline constexpr int order_acquire = __ATOMIC_ACQUIRE;
inline constexpr int order_release = __ATOMIC_RELEASE;
inline constexpr int order_acq_rel = __ATOMIC_ACQ_REL;
inline constexpr int order_seq_cst = __ATOMIC_SEQ_CST;

// A compiler barrier: orders this thread's accesses against a signal
// handler that interrupts it (std::atomic_signal_fence(seq_cst)).
inline void signal_fence() noexcept { __atomic_signal_fence(__ATOMIC_SEQ_CST); }

// T: an integer, bool or pointer that fits a lock-free word.
template <class T>
class atomic_word {
 public:
  constexpr atomic_word() noexcept = default;
  constexpr atomic_word(T v) noexcept : v_(v) {}  // NOLINT(google-explicit-constructor)
  atomic_word(const atomic_word&) = delete;
  atomic_word& operator=(const atomic_word&) = delete;

  template <class Order = int>
  T load(Order order = Order(order_seq_cst)) const noexcept {
    return __atomic_load_n(&v_, static_cast<int>(order));
  }
  template <class Order = int>
  void store(T v, Order order = Order(order_seq_cst)) noexcept {
    __atomic_store_n(&v_, v, static_cast<int>(order));
  }
  // The word itself, for a futex(2) on it (the builtins act on this same
  // storage, so the kernel and the atomics see one value).
  T* word() noexcept { return &v_; }

  template <class Order = int>
  T exchange(T v, Order order = Order(order_seq_cst)) noexcept {
    return __atomic_exchange_n(&v_, v, static_cast<int>(order));
  }
  template <class Order = int>
  T fetch_add(T v, Order order = Order(order_seq_cst)) noexcept {
    static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>,
                  "fetch_add on an integer only");
    return __atomic_fetch_add(&v_, v, static_cast<int>(order));
  }
  // As std::atomic: on failure `expected` gets the current value; with one
  // order, the failure order is derived from it.
  template <class Order = int>
  bool compare_exchange_weak(T& expected, T desired, Order order = Order(order_seq_cst)) noexcept {
    return __atomic_compare_exchange_n(&v_, &expected, desired, true, static_cast<int>(order),
                                       failure_order(static_cast<int>(order)));
  }
  template <class Order = int>
  bool compare_exchange_strong(T& expected, T desired,
                               Order order = Order(order_seq_cst)) noexcept {
    return __atomic_compare_exchange_n(&v_, &expected, desired, false, static_cast<int>(order),
                                       failure_order(static_cast<int>(order)));
  }

 private:
  static constexpr int failure_order(int order) noexcept {
    if (order == __ATOMIC_ACQ_REL) return __ATOMIC_ACQUIRE;
    if (order == __ATOMIC_RELEASE) return __ATOMIC_RELAXED;
    return order;
  }

  T v_{};
};

}  // namespace jot::detail
