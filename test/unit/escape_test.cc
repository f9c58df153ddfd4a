// Text escaping: no byte sequence can start a new line or reach the
// terminal as a control character.
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "format/escape.h"

namespace {

std::string esc(std::string_view s) {
  std::string out = "<";
  jot::detail::append_escaped_text(out, s);
  return out + ">";
}

TEST(escape, plain_text_passes_unchanged) {
  EXPECT_EQ(esc(""), "<>");
  EXPECT_EQ(esc("hello, world"), "<hello, world>");
  EXPECT_EQ(esc("caf\xc3\xa9 \xe2\x80\x94 \xe2\x82\xac"),
            "<caf\xc3\xa9 \xe2\x80\x94 \xe2\x82\xac>");
  EXPECT_EQ(esc("C:\\path\\file"), "<C:\\path\\file>");
}

TEST(escape, common_controls) {
  EXPECT_EQ(esc("a\nb\rc\td"), "<a\\nb\\rc\\td>");
  EXPECT_EQ(esc("\x1b[31mred"), "<\\x1b[31mred>");
  EXPECT_EQ(esc(std::string_view("a\0b", 3)), "<a\\x00b>");
  EXPECT_EQ(esc("\x7f"), "<\\x7f>");
}

TEST(escape, every_c0_control_is_escaped) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string in(1, static_cast<char>(c));
    const std::string out = esc(in);
    for (char ch : out) EXPECT_GE(static_cast<unsigned char>(ch), 0x20) << "byte " << c;
  }
}

TEST(escape, unicode_line_breaks) {
  EXPECT_EQ(esc("a\xc2\x85z"), "<a\\u0085z>");
  EXPECT_EQ(esc("a\xe2\x80\xa8z\xe2\x80\xa9"), "<a\\u2028z\\u2029>");
}

TEST(escape, invalid_utf8_and_truncated_sequences_pass_unchanged) {
  EXPECT_EQ(esc("\xff\xfe"), "<\xff\xfe>");
  EXPECT_EQ(esc("\xc2"), "<\xc2>");
  EXPECT_EQ(esc("\xe2\x80"), "<\xe2\x80>");
}

}  // namespace

namespace {

// Long inputs go through the 16-bytes-at-a-time scan: a special byte must
// be found at every position, including across a 16-byte boundary.
TEST(escape, found_at_every_position_of_a_long_string) {
  for (std::size_t pos = 0; pos < 48; ++pos) {
    std::string in(48, 'a');
    in[pos] = '\n';
    std::string expected = "<";
    expected.append(in, 0, pos);
    expected.append("\\n");
    expected.append(in, pos + 1);
    expected.append(">");
    EXPECT_EQ(esc(in), expected) << "newline at " << pos;

    if (pos + 1 < 48) {
      std::string nel(48, 'b');
      nel[pos] = '\xc2';
      nel[pos + 1] = '\x85';
      EXPECT_EQ(esc(nel), "<" + nel.substr(0, pos) + "\\u0085" + nel.substr(pos + 2) + ">")
          << "NEL at " << pos;
    }
    if (pos + 2 < 48) {
      std::string ls(48, 'c');
      ls.replace(pos, 3, "\xe2\x80\xa8");
      EXPECT_EQ(esc(ls), "<" + ls.substr(0, pos) + "\\u2028" + ls.substr(pos + 3) + ">")
          << "LS at " << pos;
      std::string dash(48, 'd');  // U+2014: starts like LS, must pass unchanged
      dash.replace(pos, 3, "\xe2\x80\x94");
      EXPECT_EQ(esc(dash), "<" + dash + ">") << "em dash at " << pos;
    }
  }
}

TEST(escape, many_specials_in_a_long_string) {
  std::string in;
  std::string expected = "<";
  for (int i = 0; i < 100; ++i) {
    in += "field=\t";
    expected += "field=\\t";
    in += static_cast<char>(i % 32);
    if (i % 32 == '\n') {
      expected += "\\n";
    } else if (i % 32 == '\r') {
      expected += "\\r";
    } else if (i % 32 == '\t') {
      expected += "\\t";
    } else {
      expected += fmt::format("\\x{:02x}", i % 32);
    }
  }
  EXPECT_EQ(esc(in), expected + ">");
}

}  // namespace
