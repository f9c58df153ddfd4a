// JSON string escaping: always valid JSON and UTF-8 whatever the bytes;
// well-formed text unchanged; each ill-formed subpart one U+FFFD.
#include <cstdint>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "format/json_escape.h"

namespace {

std::string esc(std::string_view s) {
  std::string out;
  jot::detail::append_json_escaped(out, s);
  return out;
}

const std::string fffd = "\xEF\xBF\xBD";

// Parses the escaped text as a JSON string with a real parser.
std::string parse_back(const std::string& escaped) {
  return nlohmann::json::parse("\"" + escaped + "\"").get<std::string>();
}

TEST(json_escape, plain_text_and_well_formed_utf8_pass_unchanged) {
  EXPECT_EQ(esc("order 17 paid 9.50"), "order 17 paid 9.50");
  const std::string utf8 = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE4\xB8\xAD";
  EXPECT_EQ(esc(utf8), utf8);
  EXPECT_EQ(esc(""), "");
}

TEST(json_escape, quotes_backslashes_and_controls) {
  EXPECT_EQ(esc("say \"hi\" \\ bye"), "say \\\"hi\\\" \\\\ bye");
  EXPECT_EQ(esc("\b\f\n\r\t"), "\\b\\f\\n\\r\\t");
  EXPECT_EQ(esc(std::string_view("\0\x01\x1f\x7f", 4)), "\\u0000\\u0001\\u001f\\u007f");
  for (int c = 0; c < 0x20; ++c) {
    const std::string in(1, static_cast<char>(c));
    const std::string out = esc(in);
    EXPECT_EQ(out[0], '\\') << c;
    EXPECT_EQ(parse_back(out), in) << c;
  }
}

TEST(json_escape, line_separators_are_escaped) {
  EXPECT_EQ(esc("a\xE2\x80\xA8"
                "b\xE2\x80\xA9"),
            "a\\u2028b\\u2029");
  EXPECT_EQ(esc("a\xC2\x85"
                "b\xC2\x80\xC2\x9F\xC2\xA0"),
            "a\\u0085b\\u0080\\u009f\xC2\xA0")
      << "C1 controls, NEL among them, are escaped; U+00A0 is not";
  EXPECT_EQ(parse_back(esc("\xC2\x85")), "\xC2\x85");
  EXPECT_EQ(parse_back(esc("a\xE2\x80\xA8")), "a\xE2\x80\xA8");
}

TEST(json_escape, ill_formed_utf8_becomes_one_fffd_per_maximal_subpart) {
  EXPECT_EQ(esc("\x80"), fffd);  // stray continuation
  EXPECT_EQ(esc("a\xFF"
                "b"),
            "a" + fffd + "b");                                    // never valid
  EXPECT_EQ(esc("\xC0\x80"), fffd + fffd);                        // overlong NUL
  EXPECT_EQ(esc("\xE0\x80\x80"), fffd + fffd + fffd);             // overlong: E0 needs A0..BF
  EXPECT_EQ(esc("\xED\xA0\x80"), fffd + fffd + fffd);             // a surrogate
  EXPECT_EQ(esc("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // above U+10FFFF
  EXPECT_EQ(esc("\xE2\x82"), fffd);                               // truncated at the end
  EXPECT_EQ(esc("\xF0\x9F\x98"
                "A"),
            fffd + "A");  // truncated before ASCII
  EXPECT_EQ(esc("\xE2\x82\"q"), fffd + "\\\"q");
}

TEST(json_escape, every_output_parses_as_json) {
  // Every single byte, then random byte strings of every length to 40.
  for (int b = 0; b < 256; ++b) {
    const std::string in(1, static_cast<char>(b));
    EXPECT_NO_THROW(parse_back(esc(in))) << "byte " << b;
  }
  std::mt19937 rng(12345);
  for (int round = 0; round < 20'000; ++round) {
    std::string in(static_cast<std::size_t>(round % 41), '\0');
    for (char& c : in) c = static_cast<char>(rng());
    const std::string out = esc(in);
    ASSERT_NO_THROW(parse_back(out)) << "input " << round;
  }
}

TEST(json_escape, well_formed_text_round_trips_through_a_parser) {
  std::mt19937 rng(777);
  std::uniform_int_distribution<std::uint32_t> code(0, 0x10FFFF);
  for (int round = 0; round < 5'000; ++round) {
    std::string in;
    for (int k = 0; k < 12; ++k) {
      std::uint32_t cp = code(rng);
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 'x';  // surrogates are not characters
      if (cp < 0x80) {
        in.push_back(static_cast<char>(cp));
      } else if (cp < 0x800) {
        in.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        in.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else if (cp < 0x10000) {
        in.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        in.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        in.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else {
        in.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        in.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        in.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        in.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      }
    }
    ASSERT_EQ(parse_back(esc(in)), in) << "input " << round;
  }
}

// Long inputs go through the 16-bytes-at-a-time scan.
TEST(json_escape, specials_at_every_position_of_a_long_string) {
  for (std::size_t pos = 0; pos < 40; ++pos) {
    for (const std::string special : {"\"", "\n", "\xC3\xA9", "\x80"}) {
      std::string in(40, 'a');
      in.replace(pos, 1, special);
      const std::string out = esc(in);
      const std::string expected_middle = special == "\""     ? "\\\""
                                          : special == "\n"   ? "\\n"
                                          : special == "\x80" ? fffd
                                                              : special;
      EXPECT_EQ(out, in.substr(0, pos) + expected_middle + in.substr(pos + special.size()))
          << "at " << pos;
    }
  }
}

// Short strings are scanned with overlapping loads that stay inside the
// string: every length, a special byte at every position (and none).
TEST(json_escape, specials_at_every_position_of_every_short_length) {
  for (std::size_t len = 1; len <= 33; ++len) {
    const std::string plain(len, 'a');
    EXPECT_EQ(esc(plain), plain) << len;
    for (std::size_t pos = 0; pos < len; ++pos) {
      std::string in = plain;
      in[pos] = '\n';
      EXPECT_EQ(esc(in), in.substr(0, pos) + "\\n" + in.substr(pos + 1)) << len << " " << pos;
      in[pos] = '\x80';
      EXPECT_EQ(esc(in), in.substr(0, pos) + fffd + in.substr(pos + 1)) << len << " " << pos;
    }
  }
}

}  // namespace
