// Records per second to a real rsyslogd over TCP on localhost, end to end:
// from the first log call until rsyslog's output file holds every record.
// jot's syslog_sink (RFC 5424, octet counting, fields as structured data)
// against spdlog's tcp_sink (a syslog-style line per record, newline
// framed), async and sync, to the same rsyslog configuration, in one run.
// Each contender gets a fresh rsyslogd and output file. Then, with the
// collector down: jot with a file sink and a syslog sink to a port nothing
// listens on, against the file sink alone (records/s until the file has
// them all), to show what an unreachable collector costs the rest.
//
//     jot_bench_collector [--records N] [--contender NAME]
//
// Prints one line per contender: records, producer seconds, end-to-end
// seconds, records/s end to end. Needs rsyslogd (Debian: rsyslog).
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <jot/setup.h>

#if JOT_BENCH_HAVE_SPDLOG
#include <spdlog/async.h>
#include <spdlog/sinks/tcp_sink.h>
#include <spdlog/spdlog.h>
#endif

namespace {

using clock_type = std::chrono::steady_clock;

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool listening(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// An rsyslogd writing each message's text, one per line, to out.txt.
class rsyslog {
 public:
  explicit rsyslog(const std::string& dir) : dir_(dir), port_(free_port()) {
    std::ofstream(dir + "/rsyslog.conf") << fmt::format(
        "global(workDirectory=\"{0}\")\n"
        "module(load=\"imtcp\")\n"
        "input(type=\"imtcp\" port=\"{1}\" address=\"127.0.0.1\")\n"
        "template(name=\"m\" type=\"string\" string=\"%msg%\\n\")\n"
        "action(type=\"omfile\" file=\"{0}/out.txt\" template=\"m\")\n",
        dir, port_);
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open((dir + "/rsyslogd.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      const std::string conf = dir + "/rsyslog.conf", pid = dir + "/rsyslogd.pid";
      ::execlp("rsyslogd", "rsyslogd", "-n", "-f", conf.c_str(), "-i", pid.c_str(), nullptr);
      ::_exit(127);
    }
    for (int i = 0; i < 1000 && !listening(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~rsyslog() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }
  bool up() const { return listening(port_); }

  // Waits until out.txt has `n` lines (up to 300 s); false if it never does.
  bool wait_lines(std::size_t n) {
    std::ifstream in;
    std::size_t lines = 0;
    const auto end = clock_type::now() + std::chrono::seconds(300);
    std::vector<char> buf(1 << 20);
    while (lines < n && clock_type::now() < end) {
      if (!in.is_open()) in.open(dir_ + "/out.txt", std::ios::binary);
      if (in.is_open()) {
        in.clear();
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        for (std::size_t i = 0; i < got; ++i) lines += buf[i] == '\n' ? 1 : 0;
        if (got == buf.size()) continue;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return lines >= n;
  }

 private:
  std::string dir_;
  int port_;
  pid_t pid_ = -1;
};

struct result {
  double producer_s = 0;
  double end_to_end_s = 0;
  bool complete = false;
};

result run_jot(rsyslog& r, std::size_t n) {
  jot::syslog_options o;
  o.transport = jot::syslog_transport::tcp;
  o.port = static_cast<std::uint16_t>(r.port());
  o.on_full = jot::when_full::wait;  // lose nothing, as spdlog's blocking sends
  auto& log = jot::make_logger("bench", {jot::syslog_sink(o)});
  result res;
  const auto t0 = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) JOT_INFO(log, "order {id} paid {amount:.2f}", i, 9.5);
  res.producer_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  jot::flush();
  res.complete = r.wait_lines(n);
  res.end_to_end_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  jot::shutdown();
  return res;
}

// The collector down: a syslog sink to a port nothing listens on, beside a
// file sink (`with_syslog`), against the file sink alone. End to end is
// until the file has every record.
result run_jot_down(const std::string& dir, std::size_t n, bool with_syslog) {
  jot::options jo;
  jo.error_handler = [](std::string_view) {};  // "cannot connect", expected here
  jot::start(jo);
  std::vector<std::shared_ptr<jot::sink>> sinks = {
      jot::file_sink(dir + "/file.log", {.format = jot::pattern_formatter("{message}")})};
  if (with_syslog) {
    jot::syslog_options o;
    o.transport = jot::syslog_transport::tcp;
    o.port = static_cast<std::uint16_t>(free_port());
    sinks.push_back(jot::syslog_sink(o));
  }
  auto& log = jot::make_logger("bench", sinks);
  result res;
  const auto t0 = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) JOT_INFO(log, "order {id} paid {amount:.2f}", i, 9.5);
  res.producer_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  jot::flush();
  res.end_to_end_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  jot::shutdown();
  std::ifstream in(dir + "/file.log", std::ios::binary);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  res.complete = lines == n;
  return res;
}

#if JOT_BENCH_HAVE_SPDLOG
result run_spdlog(rsyslog& r, std::size_t n, bool async) {
  spdlog::sinks::tcp_sink_config cfg("127.0.0.1", r.port());
  auto sink = std::make_shared<spdlog::sinks::tcp_sink_mt>(cfg);
  std::shared_ptr<spdlog::logger> log;
  if (async) {
    spdlog::init_thread_pool(8192, 1);
    log = std::make_shared<spdlog::async_logger>("bench", sink, spdlog::thread_pool(),
                                                 spdlog::async_overflow_policy::block);
  } else {
    log = std::make_shared<spdlog::logger>("bench", sink);
  }
  // The same header an RFC 5424 message has, without structured data.
  log->set_pattern("<14>1 %Y-%m-%dT%H:%M:%S.%fZ vm bench %P bench - %v",
                   spdlog::pattern_time_type::utc);
  result res;
  const auto t0 = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) log->info("order {} paid {:.2f}", i, 9.5);
  res.producer_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  log->flush();
  res.complete = r.wait_lines(n);
  res.end_to_end_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  log.reset();
  spdlog::shutdown();
  return res;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 200'000;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--records") n = std::stoul(argv[i + 1]);
    if (a == "--contender") only = argv[i + 1];
  }
  const char* tmp = std::getenv("TMPDIR");
  std::vector<std::string> contenders = {"jot_async", "jot_file_only", "jot_file_and_down"};
#if JOT_BENCH_HAVE_SPDLOG
  contenders.push_back("spdlog_async");
  contenders.push_back("spdlog_sync");
#endif
  if (only.empty() && contenders.size() > 1) {
    // One process per contender: jot's writer and spdlog's registry are
    // process-wide.
    int rc = 0;
    for (const auto& c : contenders) {
      const std::string cmd = fmt::format("'{}' --records {} --contender {}", argv[0], n, c);
      rc |= std::system(cmd.c_str());
    }
    return rc == 0 ? 0 : 1;
  }
  const std::string name = only.empty() ? contenders[0] : only;
  const std::string dir = fmt::format("{}/jot-bench-collector-{}", tmp != nullptr ? tmp : "/tmp",
                                      static_cast<long>(::getpid()));
  std::filesystem::create_directories(dir);
  result res;
  {
    rsyslog r(dir);
    if (!r.up()) {
      std::fprintf(stderr, "rsyslogd did not start (is the rsyslog package installed?)\n");
      std::filesystem::remove_all(dir);
      return 1;
    }
    if (name == "jot_async") res = run_jot(r, n);
    if (name == "jot_file_only") res = run_jot_down(dir, n, false);
    if (name == "jot_file_and_down") res = run_jot_down(dir, n, true);
#if JOT_BENCH_HAVE_SPDLOG
    if (name == "spdlog_async") res = run_spdlog(r, n, true);
    if (name == "spdlog_sync") res = run_spdlog(r, n, false);
#endif
  }
  std::filesystem::remove_all(dir);
  std::printf(
      "collector_tcp %-17s records=%zu producer_s=%.3f end_to_end_s=%.3f records_per_s=%.0f%s\n",
      name.c_str(), n, res.producer_s, res.end_to_end_s, static_cast<double>(n) / res.end_to_end_s,
      res.complete ? "" : " INCOMPLETE");
  return res.complete ? 0 : 1;
}
