// A fixed-size latency histogram for benchmarks that time millions of calls
// per thread: 15 KiB per thread whatever the count, so keeping the samples
// does not add to the peak RSS the benchmark reports (a vector of every
// call's time would add 8 MB per million calls).
//
// Buckets: one per tick below 64, then 32 per power of two, so a
// percentile is read to within 1/32 (3%) of its value; the maximum and the
// mean are exact.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#include "common.h"

namespace bench {

class latency_histogram {
 public:
  void add(std::uint64_t ticks) noexcept {
    ++counts_[index(ticks)];
    ++n_;
    sum_ += ticks;
    max_ = std::max(max_, ticks);
  }

  void merge(const latency_histogram& o) noexcept {
    for (std::size_t i = 0; i < buckets; ++i) counts_[i] += o.counts_[i];
    n_ += o.n_;
    sum_ += o.sum_;
    max_ = std::max(max_, o.max_);
  }

  // Each percentile is the upper edge of the bucket holding the sample of
  // its nearest rank (never below the true value), capped at the maximum.
  percentiles get(const tick_clock& clk) const {
    percentiles r;
    if (n_ == 0) return r;
    r.mean = static_cast<double>(sum_) / clk.ticks_per_ns() / static_cast<double>(n_);
    auto at = [&](double p) {
      auto rank = static_cast<std::uint64_t>(p / 100.0 * static_cast<double>(n_) + 0.999999);
      rank = std::clamp<std::uint64_t>(rank, 1, n_);
      std::uint64_t seen = 0;
      for (std::size_t i = 0; i < buckets; ++i) {
        seen += counts_[i];
        if (seen >= rank) return clk.to_ns(std::min(upper(i), max_));
      }
      return clk.to_ns(max_);
    };
    r.p50 = at(50);
    r.p90 = at(90);
    r.p99 = at(99);
    r.p999 = at(99.9);
    r.max = clk.to_ns(max_);
    return r;
  }

 private:
  static constexpr int sub_bits = 5;
  static constexpr std::uint64_t linear = std::uint64_t{2} << sub_bits;  // 64
  static constexpr std::size_t buckets = linear + (64 - sub_bits - 1) * (1u << sub_bits);

  static std::size_t index(std::uint64_t v) noexcept {
    if (v < linear) return static_cast<std::size_t>(v);
    const int e = std::bit_width(v) - 1;  // at least sub_bits + 1
    const std::uint64_t sub = (v >> (e - sub_bits)) & ((1u << sub_bits) - 1);
    return linear + static_cast<std::size_t>(e - sub_bits - 1) * (1u << sub_bits) + sub;
  }
  // The largest value that falls in bucket i.
  static std::uint64_t upper(std::size_t i) noexcept {
    if (i < linear) return i;
    const std::size_t k = i - linear;
    const int e = static_cast<int>(k >> sub_bits) + sub_bits + 1;
    const std::uint64_t sub = k & ((1u << sub_bits) - 1);
    const std::uint64_t lo = (std::uint64_t{1} << e) | (sub << (e - sub_bits));
    return lo + (std::uint64_t{1} << (e - sub_bits)) - 1;
  }

  std::array<std::uint64_t, buckets> counts_{};
  std::uint64_t n_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace bench
