// The level spec parser (JOT_LEVEL, jot::configure_levels()): what each
// spec gives each logger name, and what is wrong with bad ones, where.
#include "frontend/level_spec.h"

#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace {

using jot::level;
using jot::detail::level_spec;
using jot::detail::parse_level_spec;

level_spec parse_ok(std::string_view text) {
  level_spec spec;
  jot::level_config_result err;
  EXPECT_TRUE(parse_level_spec(text, spec, err)) << text << ": " << err.error;
  return spec;
}

jot::level_config_result parse_bad(std::string_view text) {
  level_spec spec;
  spec.fallback = level::critical;  // must survive a failed parse
  jot::level_config_result err;
  EXPECT_FALSE(parse_level_spec(text, spec, err)) << text;
  EXPECT_FALSE(err.ok());
  EXPECT_EQ(spec.fallback, level::critical);
  EXPECT_TRUE(spec.rules.empty());
  EXPECT_EQ(err.token, std::string(text.substr(err.position, err.token.size())));
  return err;
}

TEST(level_spec, a_bare_level_is_the_default) {
  const level_spec s = parse_ok("info");
  EXPECT_EQ(s.fallback, level::info);
  EXPECT_EQ(s.level_for("anything"), level::info);
}

TEST(level_spec, level_names_in_any_case_and_warning) {
  const std::pair<const char*, level> cases[] = {
      {"trace", level::trace},       {"DEBUG", level::debug},  {"Info", level::info},
      {"warn", level::warn},         {"WARNING", level::warn}, {"error", level::error},
      {"critical", level::critical}, {"off", level::off}};
  for (const auto& [text, lvl] : cases) EXPECT_EQ(parse_ok(text).fallback, lvl) << text;
}

TEST(level_spec, most_specific_entry_wins) {
  const level_spec s =
      parse_ok(" warn , orders=debug,net.*=trace, net.http.*=error,net.http=info,*=critical");
  EXPECT_EQ(s.fallback, level::warn);
  EXPECT_EQ(s.level_for("orders"), level::debug);
  EXPECT_EQ(s.level_for("orders.eu"), level::critical);  // only "*" matches it
  EXPECT_EQ(s.level_for("net.tcp"), level::trace);
  EXPECT_EQ(s.level_for("net.http"), level::info);          // exact beats prefixes
  EXPECT_EQ(s.level_for("net.http.client"), level::error);  // longest prefix
  EXPECT_EQ(s.level_for("net"), level::critical);           // "net.*" needs the dot
  EXPECT_EQ(s.level_for(""), level::critical);
}

TEST(level_spec, without_a_default_unnamed_loggers_get_nothing) {
  const level_spec s = parse_ok("orders=debug,net*=trace");
  EXPECT_EQ(s.fallback, std::nullopt);
  EXPECT_EQ(s.level_for("orders"), level::debug);
  EXPECT_EQ(s.level_for("network"), level::trace);
  EXPECT_EQ(s.level_for("billing"), std::nullopt);
}

TEST(level_spec, the_default_may_come_anywhere) {
  EXPECT_EQ(parse_ok("a=debug,error").fallback, level::error);
}

TEST(level_spec, empty_clears) {
  for (const char* text : {"", "  ", "\t"}) {
    const level_spec s = parse_ok(text);
    EXPECT_EQ(s.fallback, std::nullopt);
    EXPECT_TRUE(s.rules.empty());
  }
}

TEST(level_spec, unknown_level_is_reported_where_it_is) {
  auto e = parse_bad("warn,orders=debgu");
  EXPECT_EQ(e.position, 12u);
  EXPECT_EQ(e.token, "debgu");
  EXPECT_NE(e.error.find("unknown level"), std::string::npos) << e.error;
  e = parse_bad("verbose");
  EXPECT_EQ(e.position, 0u);
  EXPECT_EQ(e.token, "verbose");
  e = parse_bad("info, orders = loud ");
  EXPECT_EQ(e.position, 15u);
  EXPECT_EQ(e.token, "loud");
}

TEST(level_spec, structural_errors) {
  auto e = parse_bad("info,,a=debug");
  EXPECT_EQ(e.position, 5u);
  EXPECT_NE(e.error.find("empty entry"), std::string::npos) << e.error;
  e = parse_bad("info,");
  EXPECT_EQ(e.position, 5u);
  e = parse_bad("info,warn");
  EXPECT_EQ(e.position, 5u);
  EXPECT_EQ(e.token, "warn");
  EXPECT_NE(e.error.find("second default"), std::string::npos) << e.error;
  e = parse_bad("info,=debug");
  EXPECT_EQ(e.position, 5u);
  EXPECT_NE(e.error.find("name is missing"), std::string::npos) << e.error;
  e = parse_bad("a=");
  EXPECT_EQ(e.position, 0u);
  EXPECT_NE(e.error.find("level is missing"), std::string::npos) << e.error;
  e = parse_bad("net.*.x=debug");
  EXPECT_EQ(e.position, 4u);
  EXPECT_EQ(e.token, "*");
  e = parse_bad("a=debug,b=info,a=trace");
  EXPECT_EQ(e.position, 15u);
  EXPECT_EQ(e.token, "a");
  EXPECT_NE(e.error.find("twice"), std::string::npos) << e.error;
  e = parse_bad("a=debug=x");
  EXPECT_EQ(e.position, 2u);
  EXPECT_EQ(e.token, "debug=x");
}

TEST(level_spec, a_name_and_its_prefix_are_different_entries) {
  const level_spec s = parse_ok("a=debug,a*=error");
  EXPECT_EQ(s.level_for("a"), level::debug);
  EXPECT_EQ(s.level_for("ab"), level::error);
}

}  // namespace
