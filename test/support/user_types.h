// User types for tests of fields: `money` opts into deferred formatting,
// `label` is formatted on the caller and takes string specs.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#include <jot/setup.h>

namespace jot::test {

struct money {
  long cents;
};
struct label {
  std::string text;
};

}  // namespace jot::test

template <>
struct fmt::formatter<jot::test::money> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const jot::test::money& m, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "${}.{:02}", m.cents / 100, m.cents % 100);
  }
};
template <>
struct jot::defer_format<jot::test::money> : std::true_type {};

template <>
struct fmt::formatter<jot::test::label> : fmt::formatter<std::string_view> {
  auto format(const jot::test::label& l, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(l.text, ctx);
  }
};
