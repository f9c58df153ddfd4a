// Opt-in support for logging standard containers, std::span, std::pair
// and std::tuple:
//
//     #include <jot/ranges.h>
//
//     std::vector<int> ids = {1, 2, 3};
//     std::map<std::string, double> prices = {{"tea", 2.5}};
//     JOT_INFO(log, "ids {} prices {}", ids, prices);  // ids [1, 2, 3] prices {"tea": 2.5}
//
// Their elements are copied into the record and formatted on the writer,
// like any argument; elements must be types jot logs (scalars, strings,
// and the types of this header, jot/chrono.h and jot/std.h). Without this
// header such an argument does not compile, and the error names it.
// Include it in every file that logs these types (as with fmt/ranges.h).
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <list>
#include <map>
#include <set>
#include <span>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "jot/jot.h"

namespace jot::detail {

struct std_sequence_codec {
  static constexpr category kind = category::sequence;
};
struct std_map_codec {
  static constexpr category kind = category::map;
};
struct std_tuple_codec {
  static constexpr category kind = category::tuple;
};

// The standard containers jot encodes. Only these: other types that look
// like ranges (std::filesystem::path, a class derived from std::array with
// a formatter of its own) keep their own fmt::formatter.
template <class T, class A>
struct std_codec<std::vector<T, A>> : std_sequence_codec {};
template <class T, std::size_t N>
struct std_codec<std::array<T, N>> : std_sequence_codec {};
template <class T, class A>
struct std_codec<std::deque<T, A>> : std_sequence_codec {};
template <class T, class A>
struct std_codec<std::list<T, A>> : std_sequence_codec {};
template <class T, std::size_t N>
struct std_codec<std::span<T, N>> : std_sequence_codec {};
template <class K, class C, class A>
struct std_codec<std::set<K, C, A>> : std_sequence_codec {};
template <class K, class C, class A>
struct std_codec<std::multiset<K, C, A>> : std_sequence_codec {};
template <class K, class H, class E, class A>
struct std_codec<std::unordered_set<K, H, E, A>> : std_sequence_codec {};
template <class K, class H, class E, class A>
struct std_codec<std::unordered_multiset<K, H, E, A>> : std_sequence_codec {};

template <class K, class V, class C, class A>
struct std_codec<std::map<K, V, C, A>> : std_map_codec {};
template <class K, class V, class C, class A>
struct std_codec<std::multimap<K, V, C, A>> : std_map_codec {};
template <class K, class V, class H, class E, class A>
struct std_codec<std::unordered_map<K, V, H, E, A>> : std_map_codec {};
template <class K, class V, class H, class E, class A>
struct std_codec<std::unordered_multimap<K, V, H, E, A>> : std_map_codec {};

template <class... Ts>
struct std_codec<std::tuple<Ts...>> : std_tuple_codec {};
template <class A, class B>
struct std_codec<std::pair<A, B>> : std_tuple_codec {};

}  // namespace jot::detail
