// RFC 5424 and RFC 3164 messages and journal entries, byte for byte: the
// header, structured data and its escapes, UTF-8 repair, shortening, and
// the journal's two field forms and names.
#include <cstdlib>
#include <ctime>
#include <string>

#include <gtest/gtest.h>

#include "format/journal_encoder.h"
#include "format/syslog_encoder.h"
#include "support/values.h"

namespace {

using namespace jot::test;
using jot::detail::encode_syslog;
using jot::detail::syslog_encoding;
using jot::detail::syslog_style;

const std::string bom = "\xEF\xBB\xBF";
const std::string fffd = "\xEF\xBF\xBD";

jot::record_view base() {
  jot::record_view r;
  r.time_ns = 1795332366LL * 1'000'000'000 + 123'456'789;  // 2026-11-22T07:26:06.123456789Z
  r.lvl = jot::level::info;
  r.logger_name = "orders";
  r.message = "order 17 paid 9.50";
  r.file = "src/orders.cc";
  r.function = "pay";
  r.line = 12;
  r.thread_id = 4242;
  return r;
}

syslog_encoding enc() {
  syslog_encoding e;
  e.hostname = "web1";
  e.app_name = "shop";
  e.sd_id = "jot@32473";
  return e;
}

std::string encode(const jot::record_view& r, const syslog_encoding& e = enc(),
                   bool* shortened = nullptr) {
  std::string out;
  const bool s = encode_syslog(out, r, e, 777);
  if (shortened != nullptr) *shortened = s;
  return out;
}

TEST(rfc5424, header_fields_and_message) {
  EXPECT_EQ(encode(base()), "<14>1 2026-11-22T07:26:06.123456Z web1 shop 777 orders - " + bom +
                                "order 17 paid 9.50");
}

TEST(rfc5424, fields_are_structured_data_with_escapes) {
  record_builder b(base());
  b.add("id", int_v(17)).add("note", str_v("a \"q\" \\ ] [x]")).add("ok", bool_v(true));
  EXPECT_EQ(encode(b.view()),
            "<14>1 2026-11-22T07:26:06.123456Z web1 shop 777 orders [jot@32473 id=\"17\" "
            "note=\"a \\\"q\\\" \\\\ \\] [x\\]\" ok=\"true\"] " +
                bom + "order 17 paid 9.50");
}

TEST(rfc5424, trace_context_goes_under_opentelemetry) {
  record_builder b(base());
  b.add("trace_id", str_v("4bf92f3577b34da6a3ce929d0e0e4736"))
      .add("user", str_v("ann"))
      .add("span_id", str_v("00f067aa0ba902b7"));
  EXPECT_EQ(encode(b.view()),
            "<14>1 2026-11-22T07:26:06.123456Z web1 shop 777 orders [jot@32473 user=\"ann\"]"
            "[opentelemetry trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\" "
            "span_id=\"00f067aa0ba902b7\"] " +
                bom + "order 17 paid 9.50");
}

TEST(rfc5424, names_and_header_fields_are_made_valid) {
  record_builder b(base());
  b.add("a b=c]\"d", int_v(1)).add("", int_v(2)).add(std::string(40, 'k'), int_v(3));
  jot::record_view r = b.view();
  r.logger_name = "my logger\n";
  syslog_encoding e = enc();
  e.hostname = "";
  e.app_name = "app\xC3\xA9";
  EXPECT_EQ(encode(r, e),
            "<14>1 2026-11-22T07:26:06.123456Z - app__ 777 my_logger_ [jot@32473 a_b_c__d=\"1\" "
            "_=\"2\" " +
                std::string(32, 'k') + "=\"3\"] " + bom + "order 17 paid 9.50");
}

TEST(rfc5424, severities_and_facility) {
  jot::record_view r = base();
  r.message = "";
  syslog_encoding e = enc();
  e.facility = 16;  // local0
  const std::pair<jot::level, int> cases[] = {{jot::level::trace, 7}, {jot::level::debug, 7},
                                              {jot::level::info, 6},  {jot::level::warn, 4},
                                              {jot::level::error, 3}, {jot::level::critical, 2}};
  for (const auto& [lvl, sev] : cases) {
    r.lvl = lvl;
    EXPECT_EQ(encode(r, e), "<" + std::to_string(128 + sev) +
                                ">1 2026-11-22T07:26:06.123456Z web1 shop 777 orders -");
  }
}

TEST(rfc5424, message_and_values_become_valid_utf8_with_controls_kept) {
  record_builder b(base());
  b.add("v", str_v("x\xFFy\nz"));
  jot::record_view r = b.view();
  r.message = "caf\xC3\xA9 \xC0\xAF\ttab";
  EXPECT_EQ(encode(r), "<14>1 2026-11-22T07:26:06.123456Z web1 shop 777 orders [jot@32473 v=\"x" +
                           fffd + "y\nz\"] " + bom + "caf\xC3\xA9 " + fffd + fffd + "\ttab");
}

TEST(rfc5424, a_long_message_is_cut_at_a_character_and_marked) {
  jot::record_view r = base();
  std::string text;
  for (int i = 0; i < 400; ++i) text += "\xC3\xA9";  // 800 bytes of two-byte characters
  r.message = text;
  syslog_encoding e = enc();
  e.max_bytes = 600;
  bool shortened = false;
  const std::string out = encode(r, e, &shortened);
  EXPECT_TRUE(shortened);
  EXPECT_LE(out.size(), 600U);
  EXPECT_GE(out.size(), 598U);
  ASSERT_TRUE(out.ends_with("[truncated]"));
  const std::string head = "<14>1 2026-11-22T07:26:06.123456Z web1 shop 777 orders - " + bom;
  ASSERT_TRUE(out.starts_with(head));
  const std::string kept = out.substr(head.size(), out.size() - head.size() - 11);
  EXPECT_EQ(kept.size() % 2, 0U) << "whole characters only";
  EXPECT_EQ(kept, text.substr(0, kept.size()));
}

TEST(rfc5424, structured_data_that_does_not_fit_is_left_out_whole_parameters_at_a_time) {
  record_builder b(base());
  b.add("a", str_v(std::string(300, 'a')))
      .add("b", str_v(std::string(300, 'b')))
      .add("c", str_v("small"));
  syslog_encoding e = enc();
  e.max_bytes = 600;
  bool shortened = false;
  const std::string out = encode(b.view(), e, &shortened);
  EXPECT_TRUE(shortened);
  EXPECT_LE(out.size(), 600U);
  EXPECT_EQ(out, "<14>1 2026-11-22T07:26:06.123456Z web1 shop 777 orders [jot@32473 a=\"" +
                     std::string(300, 'a') + "\" c=\"small\"] " + bom + "order 17 paid 9.50");
}

TEST(rfc5424, exactly_at_the_limit_is_not_shortened) {
  const std::string full = encode(base());
  syslog_encoding e = enc();
  jot::record_view r = base();
  std::string msg(700, 'm');
  r.message = msg;
  const std::size_t size = encode(r).size();
  e.max_bytes = size;
  bool shortened = true;
  EXPECT_EQ(encode(r, e, &shortened).size(), size);
  EXPECT_FALSE(shortened);
  e.max_bytes = size - 1;
  EXPECT_TRUE(encode(r, e, &shortened).ends_with("[truncated]"));
  EXPECT_TRUE(shortened);
  EXPECT_FALSE(full.empty());
}

TEST(rfc3164, local_socket_line) {
  setenv("TZ", "UTC", 1);
  tzset();
  record_builder b(base());
  b.add("id", int_v(17)).add("note", str_v("two words"));
  jot::record_view r = b.view();
  r.message = "paid\nforged";
  syslog_encoding e = enc();
  e.style = syslog_style::rfc3164;
  EXPECT_EQ(encode(r, e), "<14>Nov 22 07:26:06 shop[777]: paid\\nforged id=17 note=\"two words\"");
  r.time_ns = 1794700800LL * 1'000'000'000;  // 2026-11-15: a one-digit day is space-padded
  EXPECT_EQ(encode(r, e).substr(0, 24), "<14>Nov 15 00:00:00 shop");
}

TEST(journal, standard_fields_then_the_records_fields) {
  record_builder b(base());
  b.add("order_id", int_v(17)).add("Amount", float_v(9.5));
  std::string out;
  jot::detail::encode_journal(out, b.view(), "shop");
  EXPECT_EQ(out,
            "MESSAGE=order 17 paid 9.50\nPRIORITY=6\nSYSLOG_IDENTIFIER=shop\nLOGGER=orders\n"
            "CODE_FILE=src/orders.cc\nCODE_LINE=12\nCODE_FUNC=pay\nTID=4242\n"
            "ORDER_ID=17\nAMOUNT=9.5\n");
}

TEST(journal, a_value_with_a_newline_is_length_prefixed) {
  std::string out;
  jot::detail::append_journal_field(out, "NOTE", std::string("a\nb\0c", 5));
  EXPECT_EQ(out, std::string("NOTE\n\x05\0\0\0\0\0\0\0a\nb\0c\n", 19));
  out.clear();
  jot::detail::append_journal_field(out, "X", "");
  EXPECT_EQ(out, "X=\n");
}

TEST(journal, names_are_made_valid) {
  const std::pair<std::string, std::string> cases[] = {{"order.id", "ORDER_ID"},
                                                       {"_secret", "F__SECRET"},
                                                       {"9lives", "F_9LIVES"},
                                                       {"", "F_"},
                                                       {"message", "F_MESSAGE"},
                                                       {"tid", "F_TID"},
                                                       {"caf\xC3\xA9", "CAF__"},
                                                       {std::string(80, 'x'), std::string(64, 'X')},
                                                       {"-x", "F__X"}};
  for (const auto& [key, name] : cases) {
    std::string out;
    jot::detail::append_journal_name(out, key);
    EXPECT_EQ(out, name) << key;
  }
}

TEST(journal, thread_name_when_there_is_one_and_no_identifier_when_empty) {
  jot::record_view r = base();
  r.thread_name = "worker-1";
  r.message = "line one\nline two";
  std::string out;
  jot::detail::encode_journal(out, r, "");
  EXPECT_EQ(out, std::string("MESSAGE\n\x11\0\0\0\0\0\0\0line one\nline two\n", 34) +
                     "PRIORITY=6\nLOGGER=orders\nCODE_FILE=src/orders.cc\nCODE_LINE=12\n"
                     "CODE_FUNC=pay\nTID=4242\nTHREAD_NAME=worker-1\n");
}

}  // namespace
