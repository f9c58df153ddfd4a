// syslog_sink against a real syslog-ng, run from Debian's syslog-ng-core
// unpacked into the build tree (it conflicts with rsyslog as an installed
// package; test/run.sh unpacks it), with a syslog() source on 127.0.0.1
// writing each message as JSON: every record arrives once, in order, with
// its fields as syslog-ng parsed them from the structured data, the
// fuzzers' nasty bytes included.
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <jot/setup.h>
#include <nlohmann/json.hpp>

#include "format/syslog_encoder.h"
#include "support/daemon.h"
#include "support/test_support.h"

namespace {

using nlohmann::json;

const std::string root = JOT_SYSLOG_NG_ROOT;

std::string unavailable() {
  if (::access((root + "/usr/sbin/syslog-ng").c_str(), X_OK) != 0) {
    return "syslog-ng is not unpacked in " + root +
           " (test/run.sh does it: apt-get download syslog-ng-core, dpkg -x)";
  }
  return {};
}

class syslog_ng : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = unavailable(); !why.empty()) GTEST_SKIP() << why;
    dir_ = jot::test::temp_dir("syslog-ng");
    port_ = jot::test::free_port(SOCK_STREAM);
    jot::test::write_file(dir_ + "/syslog-ng.conf", fmt::format(R"(@version: 3.38
options {{ keep-hostname(yes); stats_freq(0); }};
source s {{ syslog(ip("127.0.0.1") port({1}) transport("tcp") log-msg-size(65536)); }};
destination d {{ file("{0}/out.jsonl"
  template("$(format-json --scope rfc5424 --scope sdata --key MSGID --key PROGRAM --key PID)\n")); }};
log {{ source(s); destination(d); }};
)",
                                                                dir_, port_));
    const std::string lib = root + "/usr/lib/syslog-ng";
    ::setenv("LD_LIBRARY_PATH", lib.c_str(), 1);  // its own libraries, for the child
    proc_ =
        jot::test::daemon_process({root + "/usr/sbin/syslog-ng", "-F", "-f",
                                   dir_ + "/syslog-ng.conf", "--module-path=" + lib + "/3.38", "-R",
                                   dir_ + "/persist", "-p", dir_ + "/pid", "-c", dir_ + "/ctl"},
                                  dir_ + "/syslog-ng.log");
    ::unsetenv("LD_LIBRARY_PATH");
    bool exited = false;
    const bool up = jot::test::wait_until([&] {
      exited = !proc_.running();
      return exited || jot::test::tcp_listening(port_);
    });
    if (up && !exited) return;
    const std::string out = proc_.output();
    // Libraries missing on this machine is a reason to skip; anything else
    // (the configuration, say) is a failure.
    if (out.find("error while loading shared libraries") != std::string::npos) {
      GTEST_SKIP() << "syslog-ng cannot run here: " << out;
    }
    FAIL() << "syslog-ng did not start: " << out;
  }

  std::vector<json> records(const std::string& msgid) const {
    std::vector<json> out;
    for (const std::string& line : jot::test::read_lines(dir_ + "/out.jsonl")) {
      json j = json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.value("MSGID", "") == msgid) out.push_back(std::move(j));
    }
    return out;
  }

  jot::syslog_options tcp() const {
    jot::syslog_options o;
    o.transport = jot::syslog_transport::tcp;
    o.port = static_cast<std::uint16_t>(port_);
    o.app_name = "jot-test";
    return o;
  }

  std::string dir_;
  int port_ = 0;
  jot::test::daemon_process proc_;
};

TEST_F(syslog_ng, every_record_arrives_once_in_order_with_its_fields) {
  auto& log = jot::make_logger("ng", {jot::syslog_sink(tcp())});
  constexpr int n = 1000;
  for (int i = 0; i < n; ++i) JOT_ERROR(log, "record {i}", i, jot::kv("trace_id", "abc"));
  jot::flush();
  ASSERT_TRUE(jot::test::wait_until([&] { return records("ng").size() >= n; }))
      << records("ng").size() << " of " << n << "; " << proc_.output();
  const std::vector<json> got = records("ng");
  ASSERT_EQ(got.size(), std::size_t{n});
  for (int i = 0; i < n; ++i) {
    const json& r = got[static_cast<std::size_t>(i)];
    EXPECT_EQ(r["MESSAGE"], "record " + std::to_string(i));
    EXPECT_EQ(r["_SDATA"]["jot@32473"]["i"], std::to_string(i));
    EXPECT_EQ(r["_SDATA"]["opentelemetry"]["trace_id"], "abc");
    EXPECT_EQ(r["PROGRAM"], "jot-test");
    EXPECT_EQ(r["PID"], std::to_string(::getpid()));
    EXPECT_EQ(r["PRIORITY"], "err");
  }
}

// What syslog-ng writes through format-json for bytes it was sent: NUL as
// the four characters \x00.
std::string as_syslog_ng_keeps(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '\0') {
      out += "\\x00";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

TEST_F(syslog_ng, nasty_bytes_arrive_as_valid_utf8_and_intact_otherwise) {
  std::vector<std::string> inputs;
  for (const char* d : {"escape", "json_escape", "logfmt_escape"}) {
    for (const auto& e :
         std::filesystem::directory_iterator(std::filesystem::path(JOT_FUZZ_CORPUS_DIR) / d)) {
      inputs.push_back(jot::test::read_file(e.path().string()));
    }
  }
  auto& log = jot::make_logger("ng_nasty", {jot::syslog_sink(tcp())});
  for (const std::string& in : inputs) JOT_INFO(log, "{v}", in);
  jot::flush();
  ASSERT_TRUE(jot::test::wait_until([&] { return records("ng_nasty").size() >= inputs.size(); }));
  const std::vector<json> got = records("ng_nasty");
  ASSERT_EQ(got.size(), inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::string valid;
    jot::detail::append_valid_utf8(valid, inputs[i]);
    EXPECT_EQ(got[i]["_SDATA"]["jot@32473"]["v"], as_syslog_ng_keeps(valid)) << "input " << i;
    if (!valid.empty()) {
      EXPECT_EQ(got[i]["MESSAGE"], as_syslog_ng_keeps(valid)) << "input " << i;
    }
  }
}

}  // namespace
