// A binary log cut short (a crash) decodes up to its last whole record and
// says where it stopped; damaged bytes, a foreign format version or a file
// that is no binary log give a clear error, never a crash; a reader picks
// up again at the next segment; jot-cat -f follows a growing file.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/binary_log_support.h"
#include "support/log_everything.h"
#include "support/test_support.h"

namespace {

using jot::test::quoted;
using jot::test::read_file;
using jot::test::run_jot_cat;
using jot::test::temp_path;

struct decoded {
  std::vector<std::string> lines;
  std::vector<std::uint64_t> ends;  // the input offset after each record
  std::vector<std::string> errors;
  std::string finish;
};

decoded decode(std::string_view bytes) {
  decoded d;
  jot::binary_log_reader reader;
  reader.feed(bytes);
  reader.close_input();
  auto f = jot::pattern_formatter();
  jot::record_view r;
  for (;;) {
    const auto s = reader.next(r);
    if (s == jot::binary_log_reader::status::record) {
      std::string line;
      f->format(r, line);
      d.lines.push_back(line);
      d.ends.push_back(reader.offset());
    } else if (s == jot::binary_log_reader::status::failed) {
      d.errors.push_back(reader.error());
      if (reader.fatal()) break;
    } else {
      break;
    }
  }
  d.finish = reader.finish();
  return d;
}

const std::string& log_file() {
  static const std::string path = [] {
    const std::string p = temp_path("damage.jotlog");
    const jot::logger& log = jot::make_logger(
        "damage", {jot::binary_file_sink(p, {.truncate = true})}, jot::level::trace);
    jot::test::log_everything(log);
    for (int i = 0; i < 100; ++i) JOT_INFO(log, "record {i} of {}", i, "many");
    jot::shutdown();
    return p;
  }();
  return path;
}

TEST(binary_log_damage, a_file_cut_anywhere_decodes_its_whole_records) {
  const std::string bytes = read_file(log_file());
  const decoded whole = decode(bytes);
  ASSERT_EQ(whole.errors.size(), 0u);
  ASSERT_EQ(whole.finish, "");
  ASSERT_GT(whole.lines.size(), 100u);
  const std::size_t step = std::max<std::size_t>(1, bytes.size() / 700);
  for (std::size_t cut = 1; cut < bytes.size(); cut += step) {
    const decoded d = decode(std::string_view(bytes).substr(0, cut));
    std::size_t want = 0;
    while (want < whole.ends.size() && whole.ends[want] <= cut) ++want;
    ASSERT_EQ(d.lines.size(), want) << "cut at " << cut;
    for (std::size_t i = 0; i < want; ++i) ASSERT_EQ(d.lines[i], whole.lines[i]);
    EXPECT_TRUE(d.errors.empty()) << d.errors[0];
    // Between entries (after a definition) nothing is cut; inside one, it
    // says so.
    EXPECT_TRUE(d.finish.empty() || d.finish.find("cut short") != std::string::npos) << d.finish;
  }
  for (std::size_t k = 0; k < whole.ends.size(); k += 7) {
    // The last byte of a record missing.
    const std::uint64_t cut = whole.ends[k] - 1;
    const decoded d = decode(std::string_view(bytes).substr(0, cut));
    EXPECT_EQ(d.lines.size(), k);
    EXPECT_NE(d.finish.find("cut short"), std::string::npos) << d.finish;
  }
  // jot-cat prints the whole records and says why it stopped.
  const std::string cut_path = temp_path("cut.jotlog");
  const std::uint64_t cut = whole.ends[whole.ends.size() - 2] + 3;
  std::ofstream(cut_path, std::ios::binary) << bytes.substr(0, cut);
  const auto r = run_jot_cat(quoted(cut_path));
  EXPECT_EQ(r.status, 1);
  std::string want;
  for (std::size_t i = 0; i + 1 < whole.lines.size(); ++i) want += whole.lines[i];
  EXPECT_EQ(r.out, want);
  EXPECT_NE(r.err.find(fmt::format("offset {}: cut short", whole.ends[whole.ends.size() - 2])),
            std::string::npos)
      << r.err;
}

TEST(binary_log_damage, damaged_bytes_give_an_error_and_never_a_crash) {
  const std::string bytes = read_file(log_file());
  const decoded whole = decode(bytes);
  std::size_t with_errors = 0;
  for (std::size_t at = 0; at < bytes.size(); at += 7) {
    for (const unsigned char x : {0x01, 0x80, 0xff}) {
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(static_cast<unsigned char>(damaged[at]) ^ x);
      const decoded d = decode(damaged);
      EXPECT_LE(d.lines.size(), whole.lines.size() + 1);
      if (!d.errors.empty() || !d.finish.empty()) ++with_errors;
      for (const std::string& e : d.errors) ASSERT_EQ(e.rfind("offset ", 0), 0u) << e;
    }
  }
  EXPECT_GT(with_errors, 0u);
}

TEST(binary_log_damage, reading_goes_on_at_the_next_segment) {
  const std::string bytes = read_file(log_file());
  const decoded whole = decode(bytes);
  // Two files one after the other (a file appended to) decode as both.
  const decoded twice = decode(bytes + bytes);
  EXPECT_EQ(twice.lines.size(), 2 * whole.lines.size());
  EXPECT_TRUE(twice.errors.empty());
  // Garbage in the first: its records up to there, an error saying where,
  // then every record of the second.
  std::string damaged = bytes;
  const std::size_t at = static_cast<std::size_t>(whole.ends[whole.ends.size() / 2]);
  damaged.replace(at, 4, "\xff\xff\xff\x7f");
  const decoded d = decode(damaged + bytes);
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0].rfind(fmt::format("offset {}:", at), 0), 0u) << d.errors[0];
  EXPECT_EQ(d.lines.size(), whole.lines.size() / 2 + 1 + whole.lines.size());
  EXPECT_EQ(d.lines.back(), whole.lines.back());
  EXPECT_EQ(d.finish, "");
}

TEST(binary_log_damage, a_foreign_version_or_a_text_file_is_refused_clearly) {
  std::string bytes = read_file(log_file());
  // The segment entry: length, kind, "JOTBLOG", major, minor.
  ASSERT_EQ(bytes.substr(2, 7), "JOTBLOG");
  bytes[9] = 2;
  const decoded d = decode(bytes);
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0], "offset 0: written in binary log format 2.0; this jot reads format 1.x");
  EXPECT_TRUE(d.lines.empty());
  const std::string newer = temp_path("newer.jotlog");
  std::ofstream(newer, std::ios::binary) << bytes;
  const auto r = run_jot_cat(quoted(newer));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("format 2.0"), std::string::npos) << r.err;

  const decoded text = decode("2026-11-22 07:26:06.123456789 INFO  [1] app: hello\n");
  ASSERT_EQ(text.errors.size(), 1u);
  EXPECT_EQ(text.errors[0], "offset 0: not a jot binary log (no header)");
  EXPECT_EQ(decode("").finish, "empty: not a jot binary log");
}

TEST(binary_log_damage, jot_cat_follows_a_growing_file) {
  const std::string bytes = read_file(log_file());
  const std::string expected = run_jot_cat(quoted(log_file())).out;
  const std::string path = temp_path("growing.jotlog");
  const std::string out_path = temp_path("follow.out");
  const std::size_t half = bytes.size() / 2;
  std::ofstream(path, std::ios::binary) << bytes.substr(0, half);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::execl(JOT_CAT_PROGRAM, "jot-cat", "-f", path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // The rest arrives in pieces, as a writer flushes.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  {
    std::ofstream more(path, std::ios::binary | std::ios::app);
    for (std::size_t at = half; at < bytes.size(); at += 1000) {
      more << bytes.substr(at, 1000) << std::flush;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (read_file(out_path).size() < expected.size() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(read_file(out_path), expected);
}

}  // namespace
