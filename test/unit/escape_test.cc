// Text escaping: no byte sequence can start a new line or reach the
// terminal as a control character.
#include <string>

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
  EXPECT_EQ(esc("caf\xc3\xa9 \xe2\x80\x94 \xe2\x82\xac"), "<caf\xc3\xa9 \xe2\x80\x94 \xe2\x82\xac>");
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
