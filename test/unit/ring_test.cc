// The byte ring keeps every entry intact and in order across its
// wrap-around point, refuses entries when full, and never loses or
// duplicates between a producer and a consumer thread.
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "jot/detail/ring.h"

namespace {

using jot::detail::byte_ring;
using jot::detail::record_header;
using jot::detail::record_kind;
using jot::detail::ring_producer;

std::size_t entry_size(std::uint64_t seq) { return 32 + 8 * (seq % 23); }

void write_entry(std::byte* e, std::size_t size, std::uint64_t seq) {
  auto* h = reinterpret_cast<record_header*>(e);
  h->size = static_cast<std::uint32_t>(size);
  h->kind = record_kind::record;
  h->site = nullptr;
  h->log = nullptr;
  // Payload: the sequence number repeated.
  for (std::size_t off = sizeof(record_header); off + 8 <= size; off += 8) {
    std::memcpy(e + off, &seq, 8);
  }
}

void check_entry(const record_header* h, std::uint64_t seq) {
  ASSERT_EQ(h->kind, record_kind::record);
  ASSERT_EQ(h->size, entry_size(seq));
  const auto* e = reinterpret_cast<const std::byte*>(h);
  for (std::size_t off = sizeof(record_header); off + 8 <= h->size; off += 8) {
    std::uint64_t v = 0;
    std::memcpy(&v, e + off, 8);
    ASSERT_EQ(v, seq) << "entry " << seq << " offset " << off;
  }
}

TEST(ring, capacity_is_a_power_of_two_of_at_least_4k) {
  EXPECT_EQ(byte_ring(1).capacity(), 4096u);
  EXPECT_EQ(byte_ring(5000).capacity(), 8192u);
  EXPECT_EQ(byte_ring(8192).max_entry(), 4096u);
}

TEST(ring, entries_survive_many_wrap_arounds_in_order) {
  byte_ring ring(4096);
  ring_producer out(&ring);
  std::uint64_t produced = 0;
  std::uint64_t consumed = 0;
  // Leave a varying amount unread so the wrap point moves around.
  while (consumed < 20'000) {
    for (int k = 0; k < 7; ++k) {
      const std::size_t size = entry_size(produced);
      std::byte* e = out.try_reserve(size);
      if (e == nullptr) break;
      write_entry(e, size, produced);
      out.commit(e, size);
      ++produced;
    }
    for (int k = 0; k < 5; ++k) {
      const record_header* h = ring.peek();
      if (h == nullptr) break;
      check_entry(h, consumed);
      ring.pop(h->size);
      ++consumed;
    }
    ring.publish();
  }
  while (const record_header* h = ring.peek()) {
    check_entry(h, consumed++);
    ring.pop(h->size);
  }
  EXPECT_EQ(consumed, produced);
  EXPECT_TRUE(ring.empty());
}

TEST(ring, full_ring_refuses_until_space_is_published) {
  byte_ring ring(4096);
  ring_producer out(&ring);
  int pushed = 0;
  while (std::byte* e = out.try_reserve(64)) {
    write_entry(e, 64, 0);
    out.commit(e, 64);
    ++pushed;
  }
  EXPECT_EQ(pushed, 4096 / 64);
  const record_header* h = ring.peek();
  ASSERT_NE(h, nullptr);
  ring.pop(h->size);
  EXPECT_EQ(out.try_reserve(64), nullptr) << "space is not free before publish()";
  ring.publish();
  EXPECT_NE(out.try_reserve(64), nullptr);
}

TEST(ring, an_entry_of_half_the_ring_always_fits_once_empty) {
  byte_ring ring(4096);
  ring_producer out(&ring);
  // Move the write position off zero, then ask for the largest entry.
  for (std::size_t first : {40u, 1000u, 2048u, 1528u, 8u}) {
    std::byte* e = out.try_reserve(first - first % 8);
    ASSERT_NE(e, nullptr);
    write_entry(e, first - first % 8, 1);
    out.commit(e, first - first % 8);
    while (const record_header* h = ring.peek()) ring.pop(h->size);
    ring.publish();
    std::byte* big = out.try_reserve(out.max_entry());
    ASSERT_NE(big, nullptr) << "after an entry of " << first;
    write_entry(big, ring.max_entry(), 2);
    out.commit(big, ring.max_entry());
    while (const record_header* h = ring.peek()) ring.pop(h->size);
    ring.publish();
  }
}

TEST(ring, producer_and_consumer_threads_lose_nothing) {
  byte_ring ring(4096);
  ring_producer out(&ring);
  constexpr std::uint64_t count = 300'000;
  std::thread producer([&] {
    for (std::uint64_t seq = 0; seq < count; ++seq) {
      const std::size_t size = entry_size(seq);
      std::byte* e = nullptr;
      while ((e = out.try_reserve(size)) == nullptr) std::this_thread::yield();
      write_entry(e, size, seq);
      out.commit(e, size);
    }
  });
  std::uint64_t seq = 0;
  while (seq < count) {
    const record_header* h = ring.peek();
    if (h == nullptr) {
      ring.publish();
      std::this_thread::yield();
      continue;
    }
    check_entry(h, seq++);
    ring.pop(h->size);
    if (seq % 16 == 0) ring.publish();
  }
  producer.join();
  EXPECT_EQ(ring.peek(), nullptr);
}

TEST(ring, a_producer_attached_later_goes_on_where_the_last_one_left) {
  byte_ring ring(4096);
  std::uint64_t produced = 0;
  std::uint64_t consumed = 0;
  // Each round a new producer writes a few entries (the write position
  // moves across the wrap point); nothing is overwritten or skipped.
  while (consumed < 5'000) {
    ring_producer out(&ring);
    for (int k = 0; k < 5; ++k) {
      const std::size_t size = entry_size(produced);
      std::byte* e = out.try_reserve(size);
      if (e == nullptr) break;
      ASSERT_TRUE(out.begin_call());
      write_entry(e, size, produced);
      out.commit(e, size);
      out.end_call();
      ++produced;
    }
    EXPECT_FALSE(ring.in_call());
    while (const record_header* h = ring.peek()) {
      check_entry(h, consumed++);
      ring.pop(h->size);
    }
    ring.publish();
  }
  EXPECT_EQ(consumed, produced);
}

TEST(ring, a_call_is_shown_until_it_ends_and_a_nested_one_is_refused) {
  byte_ring ring(4096);
  ring_producer out(&ring);
  EXPECT_FALSE(ring.in_call());
  ASSERT_TRUE(out.begin_call());
  EXPECT_TRUE(ring.in_call());
  EXPECT_FALSE(ring.stamping());
  EXPECT_FALSE(out.begin_call()) << "a second call while one is under way (a signal handler's)";
  std::byte* e = out.try_reserve(64);
  ASSERT_NE(e, nullptr);
  write_entry(e, 64, 7);
  out.commit(e, 64);
  EXPECT_TRUE(ring.stamping());
  out.end_call();
  EXPECT_FALSE(ring.in_call());
  EXPECT_FALSE(out.in_call());
  const record_header* h = ring.peek();
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->size, 64u);
}

TEST(ring, moving_to_a_larger_ring_keeps_the_call_shown_and_links_the_rings) {
  byte_ring small(4096);
  auto* large = new byte_ring(8192);
  ring_producer out(&small);
  ASSERT_TRUE(out.begin_call());
  std::byte* e = out.try_reserve(64);
  ASSERT_NE(e, nullptr);
  write_entry(e, 64, 0);
  out.commit(e, 64);
  out.move_to(large);
  EXPECT_FALSE(small.in_call()) << "the old ring's last touch ends the call there";
  EXPECT_TRUE(large->in_call());
  EXPECT_EQ(small.next(), large);
  EXPECT_EQ(out.capacity(), 8192u);
  e = out.try_reserve(4096);
  ASSERT_NE(e, nullptr) << "the new ring takes an entry the old one could not";
  write_entry(e, 4096, 1);
  out.commit(e, 4096);
  out.end_call();
  EXPECT_FALSE(large->in_call());
  // The reader sees the old ring's entry, then the new ring's.
  const record_header* h = small.peek();
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->size, 64u);
  small.pop(h->size);
  EXPECT_EQ(small.peek(), nullptr);
  h = large->peek();
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->size, 4096u);
  delete large;
}

}  // namespace
