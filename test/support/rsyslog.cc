#include "support/rsyslog.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "support/test_support.h"

namespace jot::test {

namespace {

// A CA and a certificate for "localhost" and 127.0.0.1, signed by it.
bool make_certificates(const std::string& dir) {
  const std::string cmd = fmt::format(
      "cd '{0}' && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
      "-subj '/CN=jot test CA' && "
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
      "-subj '/CN=localhost' && "
      "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext.cnf && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
      "-out server.pem -days 2 -extfile ext.cnf",
      dir);
  return std::system((cmd + " > openssl.log 2>&1").c_str()) == 0;
}

}  // namespace

std::string rsyslog::unavailable() {
  if (find_program("rsyslogd").empty()) {
    return "rsyslogd is not installed (Debian package rsyslog; test/run.sh installs it)";
  }
  return {};
}

rsyslog::rsyslog(bool with_tls) : with_tls_(with_tls) {
  dir = temp_dir("rsyslog");
  tcp_port = free_port(SOCK_STREAM);
  udp_port = free_port(SOCK_DGRAM);
  tls_port = with_tls ? free_port(SOCK_STREAM) : 0;
  unix_path = dir + "/log.sock";
  unix_legacy_path = dir + "/legacy.sock";
  ca_file = dir + "/ca.pem";
  std::string tls_input;
  if (with_tls) {
    tls_input = fmt::format(
        "input(type=\"imtcp\" port=\"{1}\" address=\"127.0.0.1\" name=\"tls\" "
        "streamDriver.name=\"ossl\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\" "
        "streamDriver.CAFile=\"{0}/ca.pem\" streamDriver.CertFile=\"{0}/server.pem\" "
        "streamDriver.KeyFile=\"{0}/server.key\")\n",
        dir, tls_port);
  }
  // Control characters are kept as they are (rsyslog escapes them by
  // default); the message size limit is rsyslog's default, 8k.
  write_file(
      dir + "/rsyslog.conf",
      fmt::format(R"(global(workDirectory="{0}" parser.escapeControlCharactersOnReceive="off")
module(load="imtcp")
module(load="imudp")
module(load="imuxsock" SysSock.Use="off")
module(load="mmpstrucdata")
input(type="imtcp" port="{1}" address="127.0.0.1" name="tcp")
input(type="imudp" port="{2}" address="127.0.0.1" name="udp")
input(type="imuxsock" Socket="{0}/log.sock" UseSpecialParser="off")
input(type="imuxsock" Socket="{0}/legacy.sock")
{3}
template(name="jot_json" type="list" option.jsonf="on") {{
  property(outname="pri" name="pri" format="jsonf")
  property(outname="host" name="hostname" format="jsonf")
  property(outname="app" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
  property(outname="input" name="inputname" format="jsonf")
  property(outname="fields" name="$!rfc5424-sd" format="jsonf")
}}
action(type="mmpstrucdata")
action(type="omfile" file="{0}/out.jsonl" template="jot_json")
)",
                  dir, tcp_port, udp_port, tls_input));
}

bool rsyslog::start() {
  if (with_tls_ && ::access(ca_file.c_str(), R_OK) != 0 && !make_certificates(dir)) return false;
  proc_ = daemon_process(
      {find_program("rsyslogd"), "-n", "-f", dir + "/rsyslog.conf", "-i", dir + "/rsyslogd.pid"},
      dir + "/rsyslogd.log");
  return wait_until([&] {
    return proc_.running() && tcp_listening(tcp_port) && (!with_tls_ || tcp_listening(tls_port)) &&
           ::access(unix_path.c_str(), F_OK) == 0;
  });
}

void rsyslog::pause() const { proc_.signal(SIGSTOP); }
void rsyslog::resume() const { proc_.signal(SIGCONT); }

std::vector<received> rsyslog::records() const {
  std::vector<received> out;
  for (const std::string& line : read_lines(dir + "/out.jsonl")) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (...) {
      continue;  // a line being written
    }
    received r;
    r.pri = j.value("pri", "");
    r.host = j.value("host", "");
    r.app = j.value("app", "");
    r.procid = j.value("procid", "");
    r.msgid = j.value("msgid", "");
    r.msg = j.value("msg", "");
    if (r.msg.starts_with("\xEF\xBB\xBF")) r.msg.erase(0, 3);  // RFC 5424's BOM
    r.input = j.value("input", "");
    const std::string fields = j.value("fields", "");
    if (!fields.empty()) r.fields = nlohmann::json::parse(fields, nullptr, false);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<received> rsyslog::records_of(const std::string& msgid) const {
  std::vector<received> out;
  for (auto& r : records()) {
    if (r.msgid == msgid) out.push_back(std::move(r));
  }
  return out;
}

std::string rsyslog::log() const { return read_file(dir + "/rsyslogd.log"); }

}  // namespace jot::test
