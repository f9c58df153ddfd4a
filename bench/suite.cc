// The benchmark suite's runner: ONE (scenario, contender) combination per
// process, ONE row appended to a CSV file, so a driving script gets each
// run's own peak RSS and nothing carries over between runs.
//
//     jot_bench_suite --scenario S --contender C [--threads N] [--records N]
//                     [--csv FILE] [--extra-csv FILE] [--quick]
//     jot_bench_suite --timer
//
// Contenders, each writing the same line ("<date time.ns> INFO  [tid] bench:
// request 7 took 10.5 ms from client-a (suite.cc:NN)") to a file in a
// temporary directory, each through a 64 KiB write buffer:
//
//   jot_async        jot, delivery::async (the writer formats and writes)
//   jot_async_eager  jot, delivery::async_eager (the caller formats the message)
//   jot_sync         jot, delivery::sync (the caller formats and writes)
//   spdlog_async     spdlog::async_logger, thread pool of 8192 slots and one
//                    worker, overflow policy block, basic_file_sink_mt (its
//                    FILE* given a 64 KiB buffer in after_open; glibc's
//                    default would be 4 KiB)
//   spdlog_sync      spdlog::logger, basic_file_sink_mt, the same buffer
//   fmt_fwrite       fmt into a memory buffer on the caller, fwrite to a
//                    FILE* (64 KiB buffer); a mutex around it with > 1 thread
//   jot_rotating     jot_async with a rotating_file_sink rotating every 1 MiB
//                    (hot_path and throughput only)
//   jot_rotating_gzip  the same, each rotated file gzip-compressed by the
//                    sink's background thread; the line also says how long
//                    after the last write the last compression finished
//   jot_binary       jot, delivery::async, to jot::binary_file_sink (64 KiB
//                    buffer): the records as encoded, no formatting. The
//                    file is checked by decoding it with jot-cat into the
//                    text above; the stdout line gives both files' sizes and
//                    jot-cat's time. Scenarios throughput and decode only.
//   jot_filtered     jot_async's call on a logger whose level is above it:
//                    nothing is written (hot_path and throughput only)
//   jot_suppressed   the call as JOT_INFO_EVERY_N(log, 2^62, ...): the first
//                    call is written, every later one suppressed by its
//                    call site's counter (hot_path and throughput only)
//   jot_every_suppressed  the same with JOT_INFO_EVERY(log, 24 h, ...)
//
// Scenarios (--records N sets the count named in brackets; --quick the
// smaller default):
//
//   hot_path        [calls per thread: 100,000; quick 5,000] per-call latency
//                   on the caller (plain rdtsc around each call) in bursts
//                   of 20 calls, each burst followed by a sleep of 2,000 to
//                   2,200 us (drawn at random): the shape of the latency
//                   harness other loggers' figures come from, in which the
//                   back end goes idle between bursts. A sleep, not a
//                   busy-wait, so that with more producers than cores the
//                   back end still gets a CPU. --threads 1, 2 or 4
//                   producers, after 2,000 warm-up calls per thread.
//   throughput      [records: 4,000,000; quick 1,000,000] one thread, as fast
//                   as it can, until every byte is in the file.
//   slow_sink       [records: 200,000; quick 50,000] the application does
//                   2 us of CPU work (a busy-wait) per record, then logs
//                   it; every write of a record to the file first
//                   busy-waits 1 us (a slow device or network). The output
//                   costs less than the work, so the back end keeps up and
//                   the ring never fills, whatever the count: an
//                   asynchronous logger can hide the slow output from the
//                   application, a synchronous one adds it to every call.
//   batch_job       [work items: 300,000; quick 100,000] split over --threads
//                   (default 2); each item hashes a 1 KiB buffer (~2 us)
//                   and logs 3 records. Where logging synchronously may win.
//   decode          [records: 4,000,000; quick 1,000,000] jot_binary only:
//                   logs as throughput does, then times jot-cat turning
//                   the binary log into the default text (to a file):
//                   wall_s is jot-cat's run, cpu_s its CPU, msgs_per_s the
//                   records it decoded per second.
//   overload_block, overload_drop, overload_grow
//                   [records: 1,000,000; quick 200,000] one thread logs a
//                   burst far larger than the queue, to a sink that
//                   busy-waits 1 us per record. jot_async: a 64 KiB ring
//                   (growing to at most 256 MiB in grow) in that
//                   backpressure mode. spdlog_async (block and drop only):
//                   a thread pool of 1,170 slots, which is as many records
//                   as jot's 64 KiB ring holds at 56 bytes a record, with
//                   overflow policy block, or overrun_oldest for drop (its
//                   losses from thread_pool()->overrun_counter()). Other
//                   contenders print "not applicable" and exit 0.
//   scaling         [records per thread: 1,000,000; quick 100,000] --threads
//                   producers (default 1; bench/run.sh runs 1, 2, 4, 8 and
//                   16) each log as fast as they can, blocking when the
//                   queue is full (jot's default ring and backpressure),
//                   every call timed with the fenced timer into a
//                   fixed-size histogram (bench/histogram.h: percentiles to
//                   within 3%, so the samples add nothing to the peak RSS).
//                   wall_s and msgs_per_s are end to end, until every
//                   record of every thread is in the file.
//
// Every run first logs a warm-up (2,000 calls per thread in hot_path, 100
// otherwise) and waits until the back end has written it; then the measured
// phase starts. Afterwards the file must hold exactly warm-up + measured
// lines, else the run fails (exit status 1, no row). overload_drop checks
// instead that the records in the file plus the count of dropped records
// make up what was logged.
//
// CSV columns (an empty field: does not apply):
//
//   scenario, contender, threads  as run (threads: producer threads)
//   records       log records in the measured phase, all threads together
//                 (batch_job: 3 per work item)
//   p50_ns .. max_ns
//                 per-call latency of the log call on the caller, all
//                 threads' calls merged: hot_path, slow_sink, overload_*;
//                 empty for throughput and batch_job. Each figure includes
//                 the timer's own cost, and is a multiple of the timer's
//                 step (both printed on stdout; --timer prints them alone).
//   wall_s        hot_path: the measured phase (first call to last call of
//                 any thread); throughput: end to end, until every record is
//                 in the file; slow_sink: the application's loop (work and
//                 calls, what the application waits for); batch_job: the
//                 whole job, until its records are in the file; overload_*:
//                 the burst on the caller.
//   msgs_per_s    records / wall_s; empty for hot_path, whose rate is set
//                 by the pauses, not by the contender
//   cpu_s         user + system CPU of the whole process (every thread, the
//                 back end's included) from the start of the measured phase
//                 until its records are in the file. Busy-waits (the work
//                 and the slow writes) count as CPU.
//   peak_rss_kib  the process's peak resident set (ru_maxrss) at the end.
//   dropped       overload_*: records the logger discarded; empty otherwise.
//
// --extra-csv FILE appends what the CSV has no column for, one row:
//
//   scenario,contender,threads,records  as in the CSV
//   producer_s           the producers' loops alone (start of the measured
//                        phase until the last thread's last call returned)
//   producer_msgs_per_s  records / producer_s (empty for hot_path)
//   all_written_s        start of the measured phase until every record was
//                        in the file
//
// The stdout line shows the same.
//
// Threads are pinned only with a single producer: the producer on CPU 0 and
// the back end (jot's writer, spdlog's worker) on CPU 1. With more producers
// nothing is pinned: on a 2-core machine the producers and the back end
// then share the cores.

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <barrier>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include <jot/binary_log.h>
#include <jot/setup.h>

#if JOT_BENCH_HAVE_SPDLOG
#include <spdlog/async.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#endif

#include "common.h"
#include "histogram.h"

namespace {

constexpr std::string_view usage =
    "usage: jot_bench_suite --scenario S --contender C [--threads N] [--records N]\n"
    "                       [--csv FILE] [--extra-csv FILE] [--quick]\n"
    "       jot_bench_suite --timer   (the timer's rate, step and cost)\n"
    "  scenarios:   hot_path throughput slow_sink batch_job\n"
    "               overload_block overload_drop overload_grow decode scaling\n"
    "  contenders:  jot_async jot_async_eager jot_sync spdlog_async spdlog_sync fmt_fwrite\n"
    "               jot_crash_handler jot_backtrace (hot_path: jot_async with the crash\n"
    "               handler installed; with every record kept by the flight recorder)\n"
    "               jot_rotating jot_rotating_gzip\n"
    "               jot_binary (throughput and decode only)\n"
    "               jot_filtered jot_suppressed jot_every_suppressed (hot_path and\n"
    "               throughput: calls below the level, or held back by a rate limit)\n";

constexpr std::string_view client = "client-a";
constexpr std::uint64_t burst_calls = 20;
constexpr int burst_pause_min_us = 2'000;  // the pause after each burst is drawn
constexpr int burst_pause_max_us = 2'200;  // uniformly from [min, max]
constexpr double slow_write_ns = 1'000;
constexpr double app_work_ns = 2'000;
constexpr double overload_write_ns = 1'000;
// spdlog's queue in the overload scenarios: as many records as jot's 64 KiB
// ring holds (a record of the suite's call takes 56 bytes there).
[[maybe_unused]] constexpr std::size_t spdlog_overload_slots = 1'170;
[[maybe_unused]] constexpr std::size_t spdlog_queue_slots = 8'192;
constexpr std::uint64_t records_per_item = 3;
constexpr std::size_t stdio_buffer_bytes = std::size_t{64} << 10;  // jot's file_sink default
constexpr int producer_cpu = 0;
constexpr int backend_cpu = 1;

[[maybe_unused]] constexpr const char* spdlog_pattern =
    "%Y-%m-%d %H:%M:%S.%F %-5l [%t] %n: %v (%s:%#)";

// ---------------------------------------------------------------------------
// What a contender is set up with

struct setup {
  std::string path;
  unsigned threads = 1;                       // producer threads
  std::uint64_t write_delay_ticks = 0;        // busy-wait before each record's write
  int backend_cpu = -1;                       // -1: not pinned
  std::optional<jot::backpressure> overload;  // jot: the overload ring, in this mode
};

// A FILE* that optionally busy-waits before each write: the "file" of the
// slow sinks and of fmt_fwrite. Not thread-safe; its users lock.
class delayed_file {
 public:
  delayed_file(const std::string& path, std::uint64_t delay_ticks)
      : file_(std::fopen(path.c_str(), "wb")), buffer_(stdio_buffer_bytes), delay_(delay_ticks) {
    if (file_ == nullptr) {
      fmt::print(stderr, "error: cannot open {}: {}\n", path, std::strerror(errno));
      std::exit(1);
    }
    std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
  }
  ~delayed_file() { std::fclose(file_); }
  delayed_file(const delayed_file&) = delete;
  delayed_file& operator=(const delayed_file&) = delete;

  void write(std::string_view line) {
    if (delay_ != 0) bench::spin_for(delay_);
    std::fwrite(line.data(), 1, line.size(), file_);
  }
  void flush() { std::fflush(file_); }

 private:
  std::FILE* file_;
  std::vector<char> buffer_;
  std::uint64_t delay_;
};

// ---------------------------------------------------------------------------
// Contenders. Each has
//   log(i, ms, from)  the measured call: "request {} took {} ms from {}"
//   settle()          waits until the back end has written what was logged
//                     (between warm-up and measurement)
//   drain()           returns once every record is in the file; the last
//                     call on the contender
//   dropped()         records the logger discarded (jot's drop mode)

// A jot sink writing through a delayed_file: the slow sink.
class jot_delayed_sink final : public jot::sink {
 public:
  jot_delayed_sink(const std::string& path, std::uint64_t delay_ticks) : file_(path, delay_ticks) {}
  void write(const jot::record_view&, std::string_view line) override { file_.write(line); }
  void flush() override { file_.flush(); }

 private:
  delayed_file file_;
};

// jot_crash_handler: jot_async with the crash handler installed.
// jot_backtrace: every record is below the logger's level and kept by the
// flight recorder (room for 262,144, more than the hot path logs), and
// written by dump_backtrace() at the end: what a kept record costs the
// caller.
enum class jot_extra { none, crash_handler, backtrace };
// jot_rotating and jot_rotating_gzip: what the rotating sink does.
enum class rotation { none, plain, gzip };
constexpr std::uint64_t rotate_bytes = std::uint64_t{1} << 20;

// Newlines in the log file and its rotated files (decompressed), or -1.
std::int64_t count_lines_rotated(const std::string& path) {
  const std::string dir = path.substr(0, path.rfind('/'));
  const std::string base = path.substr(path.rfind('/') + 1);
  std::int64_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name != base && !name.starts_with(base + ".")) continue;
    if (!name.ends_with(".gz")) {
      const std::int64_t k = bench::count_lines(e.path().string());
      if (k < 0) return -1;
      n += k;
      continue;
    }
    gzFile f = gzopen(e.path().c_str(), "rb");
    if (f == nullptr) return -1;
    std::vector<char> buf(1 << 20);
    int got = 0;
    while ((got = gzread(f, buf.data(), static_cast<unsigned>(buf.size()))) > 0) {
      n += std::count(buf.data(), buf.data() + got, '\n');
    }
    gzclose(f);
    if (got < 0) return -1;
  }
  return n;
}

class jot_contender {
 public:
  jot_contender(const setup& s, jot::delivery d, rotation rot = rotation::none,
                jot_extra extra = jot_extra::none, bool binary = false)
      : path_(s.path), rotation_(rot), extra_(extra) {
    jot::options o;
    o.writer_cpu = s.backend_cpu;
    if (s.overload) {
      o.ring_bytes = std::size_t{64} << 10;
      o.ring_max_bytes = std::size_t{256} << 20;
      o.on_full = *s.overload;
      // In drop mode every drop is reported; the count is in jot::stats().
      o.error_handler = [](std::string_view) {};
    }
    if (!jot::start(o)) fmt::print(stderr, "warning: jot was already running\n");
    std::shared_ptr<jot::sink> sink;
    if (s.write_delay_ticks != 0) {
      sink = std::make_shared<jot_delayed_sink>(s.path, s.write_delay_ticks);
    } else if (rot != rotation::none) {
      jot::rotation_options ro;
      ro.max_bytes = rotate_bytes;
      if (rot == rotation::gzip) ro.compress = jot::compression::gzip;
      sink = jot::rotating_file_sink(s.path, ro);
    } else if (binary) {
      jot::binary_file_options bo;
      bo.truncate = true;
      sink = jot::binary_file_sink(s.path, bo);
    } else {
      jot::file_options fo;
      fo.truncate = true;
      sink = jot::file_sink(s.path, fo);
    }
    logger_ = &jot::make_logger("bench", {sink}, jot::level::info);
    logger_->set_delivery(d);
    if (extra == jot_extra::crash_handler) jot::install_crash_handler();
    if (extra == jot_extra::backtrace) {
      logger_->set_level(jot::level::warn);
      logger_->enable_backtrace(std::size_t{1} << 18, jot::level::warn);
    }
  }
  ~jot_contender() { jot::shutdown(); }
  jot_contender(const jot_contender&) = delete;
  jot_contender& operator=(const jot_contender&) = delete;

  void log(int i, double ms, std::string_view from) {
    JOT_INFO(logger_, "request {} took {} ms from {}", i, ms, from);
  }
  void settle() { jot::flush(); }
  void drain() {
    if (extra_ == jot_extra::backtrace) jot::dump_backtrace();
    jot::flush();
    if (rotation_ != rotation::gzip) return;
    // The compressions still running: wait until no rotated file is left
    // uncompressed, and say how long that took.
    const auto t0 = std::chrono::steady_clock::now();
    const std::string dir = path_.substr(0, path_.rfind('/'));
    const std::string base = path_.substr(path_.rfind('/') + 1);
    for (bool pending = true; pending;) {
      pending = false;
      for (const auto& e : std::filesystem::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (name.starts_with(base + ".") && !name.ends_with(".gz")) pending = true;
      }
      if (pending) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    compress_wait_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::string rotation_note() const {
    if (rotation_ == rotation::none) return {};
    std::size_t files = 0;
    const std::string dir = path_.substr(0, path_.rfind('/'));
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      files += e.path().filename().string().starts_with(path_.substr(path_.rfind('/') + 1) + ".");
    }
    std::string n = fmt::format("{} rotated files", files);
    if (rotation_ == rotation::gzip) {
      n += fmt::format(", compression finished {:.3f} s after the last write", compress_wait_s_);
    }
    return n;
  }
  std::uint64_t dropped() const { return jot::stats().dropped; }
  // How large a record is in the ring: what spdlog's overload queue is
  // sized by.
  std::string queue_note() const {
    const jot::stats_snapshot st = jot::stats();
    if (st.written == 0) return {};
    return fmt::format("{:.1f} bytes a record in the ring",
                       static_cast<double>(st.bytes) / static_cast<double>(st.written));
  }

 private:
  jot::logger* logger_ = nullptr;
  std::string path_;
  rotation rotation_;
  double compress_wait_s_ = 0;
  jot_extra extra_;
};

// jot_filtered, jot_suppressed, jot_every_suppressed: what a call that
// writes nothing costs, below the level or held back by a rate limit, next
// to jot_async's written call in the same run. The file holds no line, or
// the first call's only.
enum class unwritten { filtered, every_n, every };
template <unwritten U>
class jot_unwritten_contender : public jot_contender {
 public:
  explicit jot_unwritten_contender(const setup& s)
      : jot_contender(s, jot::delivery::async), logger_(jot::find_logger("bench")) {
    if constexpr (U == unwritten::filtered) logger_->set_level(jot::level::warn);
  }
  void log(int i, double ms, std::string_view from) {
    if constexpr (U == unwritten::filtered) {
      JOT_INFO(logger_, "request {} took {} ms from {}", i, ms, from);
    } else if constexpr (U == unwritten::every_n) {
      JOT_INFO_EVERY_N(logger_, std::uint64_t{1} << 62, "request {} took {} ms from {}", i, ms,
                       from);
    } else {
      JOT_INFO_EVERY(logger_, std::chrono::hours(24), "request {} took {} ms from {}", i, ms, from);
    }
  }
  static std::uint64_t lines_for(std::uint64_t /*logged*/) {
    return U == unwritten::filtered ? 0 : 1;
  }

 private:
  jot::logger* logger_;
};

#if JOT_BENCH_HAVE_SPDLOG
// An spdlog sink writing through a delayed_file: the slow sink.
class spdlog_delayed_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  spdlog_delayed_sink(const std::string& path, std::uint64_t delay_ticks)
      : file_(path, delay_ticks) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    file_.write(std::string_view(buf.data(), buf.size()));
  }
  void flush_() override { file_.flush(); }

 private:
  delayed_file file_;
};

template <bool async>
class spdlog_contender {
 public:
  explicit spdlog_contender(const setup& s) {
    std::shared_ptr<spdlog::sinks::sink> sink;
    if (s.write_delay_ticks != 0) {
      sink = std::make_shared<spdlog_delayed_sink>(s.path, s.write_delay_ticks);
    } else {
      // The same 64 KiB stdio buffer as jot's file sink and fmt_fwrite
      // (glibc would give this FILE* 4 KiB). after_open runs before any
      // write to the new FILE*, as setvbuf requires; the handler keeps the
      // buffer alive until the sink, which closes the file, is gone.
      spdlog::file_event_handlers handlers;
      handlers.after_open = [buffer = stdio_buffer_](const spdlog::filename_t&, std::FILE* f) {
        std::setvbuf(f, buffer->data(), _IOFBF, buffer->size());
      };
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(s.path, true, handlers);
    }
    if constexpr (async) {
      const int cpu = s.backend_cpu;
      slots_ = s.overload ? spdlog_overload_slots : spdlog_queue_slots;
      spdlog::init_thread_pool(slots_, 1, [cpu] {
        if (cpu >= 0) bench::pin_or_warn(cpu, "spdlog's worker thread");
      });
      const auto policy = s.overload == jot::backpressure::drop
                              ? spdlog::async_overflow_policy::overrun_oldest
                              : spdlog::async_overflow_policy::block;
      logger_ =
          std::make_shared<spdlog::async_logger>("bench", sink, spdlog::thread_pool(), policy);
    } else {
      logger_ = std::make_shared<spdlog::logger>("bench", sink);
    }
    logger_->set_pattern(spdlog_pattern, spdlog::pattern_time_type::utc);
    logger_->set_level(spdlog::level::info);
  }

  void log(int i, double ms, std::string_view from) {
    SPDLOG_LOGGER_INFO(logger_, "request {} took {} ms from {}", i, ms, from);
  }
  void settle() {
    logger_->flush();
    if constexpr (async) {
      // flush() only queues a request; an empty queue means the worker has
      // taken everything (close enough between warm-up and measurement).
      while (spdlog::thread_pool()->queue_size() != 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    }
  }
  void drain() {
    logger_->flush();
    if constexpr (async) {
      // Records are lost only when queued, so the count is final once the
      // flush request (which may itself overrun one) is queued. Read it
      // now: the pool goes next.
      dropped_ = spdlog::thread_pool()->overrun_counter();
      // Destroying the pool (the registry holds the only owning pointer)
      // queues a stop after everything and joins the worker once it has
      // written the rest, the queued flush included.
      logger_.reset();
      spdlog::shutdown();
    }
  }
  std::uint64_t dropped() const { return dropped_; }
  std::string queue_note() const {
    return async ? fmt::format("a queue of {} slots", slots_) : std::string();
  }

 private:
  std::shared_ptr<std::vector<char>> stdio_buffer_ =
      std::make_shared<std::vector<char>>(stdio_buffer_bytes);
  std::shared_ptr<spdlog::logger> logger_;
  std::size_t slots_ = 0;
  std::uint64_t dropped_ = 0;
};
#endif

// The hand-written baseline: the line formatted by fmt on the caller, the
// date and time down to the second formatted once per second per thread
// (as jot's writer does), then fwrite.
class fmt_fwrite_contender {
 public:
  explicit fmt_fwrite_contender(const setup& s)
      : file_(s.path, s.write_delay_ticks), locked_(s.threads > 1) {}

  void log(int i, double ms, std::string_view from) {
    thread_local line_state st;
    st.buf.clear();
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != st.cached_sec) {
      st.cached_sec = ts.tv_sec;
      std::tm tm{};
      gmtime_r(&ts.tv_sec, &tm);
      fmt::format_to_n(st.prefix, sizeof st.prefix - 1, "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                       tm.tm_sec);
    }
    auto out = fmt::appender(st.buf);
    out = fmt::format_to(out, "{}.{:09} {:<5} [{}] {}: ", std::string_view(st.prefix, 19),
                         ts.tv_nsec, "INFO", st.tid, "bench");
    out = fmt::format_to(out, "request {} took {} ms from {}", i, ms, from);
    fmt::format_to(out, " ({}:{})\n", "suite.cc", __LINE__);
    const std::string_view line(st.buf.data(), st.buf.size());
    if (locked_) {
      const std::lock_guard<std::mutex> lock(mutex_);
      file_.write(line);
    } else {
      file_.write(line);
    }
  }
  void settle() {}
  void drain() { file_.flush(); }
  std::uint64_t dropped() const { return 0; }
  std::string queue_note() const { return {}; }

 private:
  struct line_state {
    long tid = static_cast<long>(::syscall(SYS_gettid));
    std::time_t cached_sec = -1;
    char prefix[32] = {};
    fmt::memory_buffer buf;
  };
  delayed_file file_;
  bool locked_;
  std::mutex mutex_;
};

// ---------------------------------------------------------------------------
// Measuring

using clock_type = std::chrono::steady_clock;

double process_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

double seconds(clock_type::time_point a, clock_type::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct phase_times {
  double loop_s = 0;   // start of the measured phase until the last thread's loop ended
  double total_s = 0;  // ... until every record was in the file (drain() returned)
  double cpu_s = 0;    // process CPU over the same span as total_s
};

// Runs warm(t) on `threads` new threads, waits until the contender has
// written the warm-up, then runs work(t) on each, all starting together,
// and finally drains the contender. With one thread, that thread is pinned.
template <class Contender, class Warm, class Work>
phase_times run_phases(Contender& c, unsigned threads, Warm&& warm, Work&& work) {
  clock_type::time_point t0;
  clock_type::time_point t1;
  double cpu0 = 0;
  int phase = 0;
  // The completion step runs once all threads arrived: after the warm-up,
  // and after the measured loops.
  std::barrier sync(static_cast<std::ptrdiff_t>(threads), [&]() noexcept {
    if (phase++ == 0) {
      c.settle();
      cpu0 = process_cpu_s();
      t0 = clock_type::now();
    } else {
      t1 = clock_type::now();
    }
  });
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      if (threads == 1) bench::pin_or_warn(producer_cpu, "the producer thread");
      warm(t);
      sync.arrive_and_wait();
      work(t);
      sync.arrive_and_wait();
    });
  }
  for (auto& th : pool) th.join();
  c.drain();
  const auto t2 = clock_type::now();
  return {seconds(t0, t1), seconds(t0, t2), process_cpu_s() - cpu0};
}

// What one run measured, and what the file must hold.
struct outcome {
  std::uint64_t records = 0;  // measured records, all threads
  std::uint64_t expected_lines = 0;
  std::optional<bench::percentiles> lat;
  double wall_s = 0;
  double cpu_s = 0;
  double producer_s = 0;     // the producers' loops (phase_times::loop_s)
  double all_written_s = 0;  // until every record was in the file (total_s)
  bool paced = false;        // the rate is set by the harness (hot_path)
  std::optional<std::uint64_t> dropped;
  std::string note;  // for the stdout line only
};

// The figures every scenario has, from its phase times.
outcome from_phases(const phase_times& pt) {
  outcome o;
  o.cpu_s = pt.cpu_s;
  o.producer_s = pt.loop_s;
  o.all_written_s = pt.total_s;
  return o;
}

// Per-thread tick deltas, merged into one set of percentiles.
bench::percentiles merge_percentiles(std::vector<std::vector<std::uint64_t>>& per_thread,
                                     const bench::tick_clock& clk) {
  std::vector<std::uint64_t> all;
  for (auto& d : per_thread) all.insert(all.end(), d.begin(), d.end());
  return bench::compute_percentiles(all, clk);
}

// ---------------------------------------------------------------------------
// Scenarios

struct config {
  std::string scenario;
  std::string contender;
  unsigned threads = 1;
  std::uint64_t count = 0;  // --records: see the top of the file
};

template <class Contender>
outcome hot_path(Contender& c, const config& cfg, const bench::tick_clock& clk) {
  constexpr std::uint64_t warmup = 2'000;
  std::vector<std::vector<std::uint64_t>> deltas(cfg.threads);
  // `count` calls numbered from `first`, in bursts of burst_calls; with
  // `out`, each call's ticks and a sleep after each burst but the last.
  auto bursts = [&](unsigned t, std::uint64_t first, std::uint64_t count, std::uint64_t* out) {
    std::minstd_rand rng(1 + t);
    std::uniform_int_distribution<int> pause_us(burst_pause_min_us, burst_pause_max_us);
    for (std::uint64_t done = 0; done < count;) {
      for (std::uint64_t b = 0; b < burst_calls && done < count; ++b, ++done) {
        const int i = static_cast<int>(first + done);
        // rdtsc alone, as other loggers' harnesses time a call
        // (jot_bench_hot_path --timer fenced gives the serialised figure).
        const std::uint64_t t0 = bench::plain_ticks();
        c.log(i, 3.5 + i, client);
        const std::uint64_t t1 = bench::plain_ticks();
        if (out != nullptr) out[done] = t1 - t0;
      }
      if (out != nullptr && done < count) {
        std::this_thread::sleep_for(std::chrono::microseconds(pause_us(rng)));
      }
    }
  };
  const phase_times pt = run_phases(
      c, cfg.threads,
      [&](unsigned t) {
        deltas[t].assign(cfg.count, 0);  // pages touched here, not while measuring
        bursts(t, 0, warmup, nullptr);
      },
      [&](unsigned t) { bursts(t, warmup, cfg.count, deltas[t].data()); });
  outcome o = from_phases(pt);
  o.records = cfg.count * cfg.threads;
  o.expected_lines = (warmup + cfg.count) * cfg.threads;
  o.lat = merge_percentiles(deltas, clk);
  o.wall_s = pt.loop_s;
  o.paced = true;
  return o;
}

constexpr std::uint64_t small_warmup = 100;

void log_warmup(auto& c) {
  for (std::uint64_t i = 0; i < small_warmup; ++i) {
    c.log(static_cast<int>(i), 3.5, client);
  }
}

template <class Contender>
outcome throughput(Contender& c, const config& cfg) {
  const int n = static_cast<int>(cfg.count);
  const phase_times pt = run_phases(
      c, 1, [&](unsigned) { log_warmup(c); },
      [&](unsigned) {
        for (int i = 0; i < n; ++i) c.log(i, 3.5 + i, client);
      });
  outcome o = from_phases(pt);
  o.records = cfg.count;
  o.expected_lines = small_warmup + cfg.count;
  o.wall_s = pt.total_s;
  return o;
}

// Logs cfg.count records split over the threads, each after `work_ticks` of
// busy work, timing each call. slow_sink and the overload scenarios.
template <class Contender>
outcome timed_calls(Contender& c, const config& cfg, const bench::tick_clock& clk,
                    std::uint64_t work_ticks) {
  std::vector<std::vector<std::uint64_t>> deltas(cfg.threads);
  auto share = [&](unsigned t) {
    return cfg.count * (t + 1) / cfg.threads - cfg.count * t / cfg.threads;
  };
  const phase_times pt = run_phases(
      c, cfg.threads,
      [&](unsigned t) {
        deltas[t].assign(share(t), 0);
        log_warmup(c);
      },
      [&](unsigned t) {
        std::uint64_t* out = deltas[t].data();
        const std::uint64_t n = share(t);
        const std::uint64_t first = cfg.count * t / cfg.threads;
        for (std::uint64_t k = 0; k < n; ++k) {
          if (work_ticks != 0) bench::spin_for(work_ticks);
          const int i = static_cast<int>(first + k);
          const std::uint64_t t0 = bench::now_ticks();
          c.log(i, 3.5 + i, client);
          out[k] = bench::now_ticks() - t0;
        }
      });
  outcome o = from_phases(pt);
  o.records = cfg.count;
  o.expected_lines = small_warmup * cfg.threads + cfg.count;
  o.lat = merge_percentiles(deltas, clk);
  o.wall_s = pt.loop_s;
  return o;
}

// Every thread logs cfg.count records as fast as it can, each call timed.
template <class Contender>
outcome scaling(Contender& c, const config& cfg, const bench::tick_clock& clk) {
  std::vector<bench::latency_histogram> hist(cfg.threads);
  const phase_times pt = run_phases(
      c, cfg.threads, [&](unsigned) { log_warmup(c); },
      [&](unsigned t) {
        bench::latency_histogram h;  // on this thread's stack: no shared line
        const std::uint64_t first = cfg.count * t;
        for (std::uint64_t k = 0; k < cfg.count; ++k) {
          const int i = static_cast<int>(first + k);
          const std::uint64_t t0 = bench::now_ticks();
          c.log(i, 3.5 + i, client);
          h.add(bench::now_ticks() - t0);
        }
        hist[t] = h;
      });
  bench::latency_histogram all;
  for (const auto& h : hist) all.merge(h);
  outcome o = from_phases(pt);
  o.records = cfg.count * cfg.threads;
  o.expected_lines = small_warmup * cfg.threads + o.records;
  o.lat = all.get(clk);
  o.wall_s = pt.total_s;
  return o;
}

// The work of one batch item: FNV-1a over a 1 KiB buffer (a serial chain of
// multiplies, about 1.8 us on the 2-core EPYC VM; not vectorisable, so the
// same work on any build).
std::uint64_t hash_item(std::vector<unsigned char>& buf, std::uint64_t item) {
  buf[item % buf.size()] ^= static_cast<unsigned char>(item);
  std::uint64_t h = 1469598103934665603ull;
  for (const unsigned char b : buf) h = (h ^ b) * 1099511628211ull;
  return h;
}

template <class Contender>
outcome batch_job(Contender& c, const config& cfg) {
  const std::uint64_t items = cfg.count;
  const phase_times pt = run_phases(
      c, cfg.threads, [&](unsigned) { log_warmup(c); },
      [&](unsigned t) {
        std::vector<unsigned char> buf(1024, static_cast<unsigned char>(t));
        const std::uint64_t first = items * t / cfg.threads;
        const std::uint64_t last = items * (t + 1) / cfg.threads;
        for (std::uint64_t item = first; item < last; ++item) {
          const std::uint64_t h = hash_item(buf, item);
          const auto ms = static_cast<double>(h & 0xffff) / 64.0;
          for (std::uint64_t r = 0; r < records_per_item; ++r) {
            c.log(static_cast<int>(item * records_per_item + r), ms, client);
          }
        }
      });
  outcome o = from_phases(pt);
  o.records = items * records_per_item;
  o.expected_lines = small_warmup * cfg.threads + o.records;
  o.wall_s = pt.total_s;
  return o;
}

// ---------------------------------------------------------------------------
// Checking the file, and the output

// Lines of `path` that contain `needle`, or -1 if it cannot be read.
std::int64_t count_lines_with(const std::string& path, std::string_view needle) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return -1;
  std::int64_t n = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) ++n;
  }
  return n;
}

struct row {
  config cfg;
  outcome out;
  long peak_rss_kib = 0;
};

// records / seconds as a CSV field: empty where the harness sets the rate.
std::string rate(const outcome& o, double seconds) {
  if (o.paced || seconds <= 0) return {};
  return fmt::format("{:.0f}", static_cast<double>(o.records) / seconds);
}

bool append_csv(const std::string& path, const row& r) {
  if (path.empty()) return true;
  std::ofstream out = bench::open_csv(
      path,
      "scenario,contender,threads,records,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,wall_s,"
      "msgs_per_s,cpu_s,peak_rss_kib,dropped");
  if (!out) return false;
  const outcome& o = r.out;
  auto ns = [&](double bench::percentiles::*field) {
    return o.lat ? fmt::format("{:.1f}", (*o.lat).*field) : std::string();
  };
  out << fmt::format("{},{},{},{},{},{},{},{},{},{:.6f},{},{:.3f},{},{}\n", r.cfg.scenario,
                     r.cfg.contender, r.cfg.threads, o.records, ns(&bench::percentiles::p50),
                     ns(&bench::percentiles::p90), ns(&bench::percentiles::p99),
                     ns(&bench::percentiles::p999), ns(&bench::percentiles::max), o.wall_s,
                     rate(o, o.wall_s), o.cpu_s, r.peak_rss_kib,
                     o.dropped ? fmt::format("{}", *o.dropped) : std::string());
  return static_cast<bool>(out);
}

// The row of --extra-csv: the figures the CSV has no column for.
bool append_extra_csv(const std::string& path, const row& r) {
  if (path.empty()) return true;
  std::ofstream out = bench::open_csv(
      path, "scenario,contender,threads,records,producer_s,producer_msgs_per_s,all_written_s");
  if (!out) return false;
  const outcome& o = r.out;
  out << fmt::format("{},{},{},{},{:.6f},{},{:.6f}\n", r.cfg.scenario, r.cfg.contender,
                     r.cfg.threads, o.records, o.producer_s, rate(o, o.producer_s),
                     o.all_written_s);
  return static_cast<bool>(out);
}

void print_summary(const row& r) {
  const outcome& o = r.out;
  std::string s = fmt::format("{} {} threads={} records={}:", r.cfg.scenario, r.cfg.contender,
                              r.cfg.threads, o.records);
  if (o.lat) {
    s += fmt::format(" p50 {} p90 {} p99 {} p99.9 {} max {} ns |", bench::fmt_ns(o.lat->p50),
                     bench::fmt_ns(o.lat->p90), bench::fmt_ns(o.lat->p99),
                     bench::fmt_ns(o.lat->p999), bench::fmt_ns(o.lat->max));
  }
  s += fmt::format(" wall {:.3f} s", o.wall_s);
  if (!o.paced)
    s += fmt::format(", {} msgs/s", bench::fmt_rate(static_cast<double>(o.records) / o.wall_s));
  s += fmt::format(" | cpu {:.3f} s | peak RSS {:.1f} MiB", o.cpu_s,
                   static_cast<double>(r.peak_rss_kib) / 1024);
  if (o.dropped) s += fmt::format(" | dropped {}", *o.dropped);
  s += fmt::format(" | producers done after {:.3f} s", o.producer_s);
  if (!o.paced) {
    s +=
        fmt::format(" ({} msgs/s)", bench::fmt_rate(static_cast<double>(o.records) / o.producer_s));
  }
  s += fmt::format(", all written after {:.3f} s", o.all_written_s);
  if (!o.note.empty()) s += "; " + o.note;
  fmt::print("{}\n", s);
}

// ---------------------------------------------------------------------------
// One run

std::optional<jot::backpressure> overload_mode(std::string_view scenario) {
  if (scenario == "overload_block") return jot::backpressure::block;
  if (scenario == "overload_drop") return jot::backpressure::drop;
  if (scenario == "overload_grow") return jot::backpressure::grow;
  return std::nullopt;
}

// jot-cat's run over a binary log: the text it wrote, its time and CPU.
struct decoded {
  std::string text_path;
  double wall_s = 0;
  double cpu_s = 0;
};

double children_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  auto s = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

std::optional<decoded> decode_with_jot_cat(const std::string& path) {
  decoded d;
  d.text_path = path + ".txt";
  const std::string cmd = fmt::format("'{}' '{}' > '{}'", JOT_CAT_PROGRAM, path, d.text_path);
  const double cpu0 = children_cpu_s();
  const auto t0 = clock_type::now();
  const int rc = std::system(cmd.c_str());
  d.wall_s = seconds(t0, clock_type::now());
  d.cpu_s = children_cpu_s() - cpu0;
  if (rc != 0) {
    fmt::print(stderr, "error: jot-cat failed on {} (status {})\n", path, rc);
    return std::nullopt;
  }
  return d;
}

// Runs the scenario on `c`, checks the file, and returns the row (or
// nothing if the file is wrong).
template <class Contender>
std::optional<row> run(Contender& c, const config& cfg, const setup& s,
                       const bench::tick_clock& clk) {
  outcome o;
  if (cfg.scenario == "hot_path") {
    o = hot_path(c, cfg, clk);
  } else if (cfg.scenario == "throughput" || cfg.scenario == "decode") {
    o = throughput(c, cfg);
  } else if (cfg.scenario == "slow_sink") {
    o = timed_calls(c, cfg, clk, clk.from_ns(app_work_ns));
  } else if (cfg.scenario == "batch_job") {
    o = batch_job(c, cfg);
  } else if (cfg.scenario == "scaling") {
    o = scaling(c, cfg, clk);
  } else {  // overload_*
    o = timed_calls(c, cfg, clk, 0);
    o.dropped = c.dropped();
    o.note = c.queue_note();
  }
  if constexpr (requires { c.rotation_note(); }) {
    if (o.note.empty()) o.note = c.rotation_note();
  }
  if constexpr (requires { c.lines_for(o.expected_lines); }) {
    o.expected_lines = c.lines_for(o.expected_lines);
  }
  row r{cfg, o, peak_rss_kib()};
  if (cfg.contender == "jot_binary") {
    // Decoded into the text the other contenders write, then checked as
    // theirs; jot-cat's run is the decode scenario's measurement.
    const std::optional<decoded> d = decode_with_jot_cat(s.path);
    if (!d) return std::nullopt;
    const std::int64_t lines = bench::count_lines(d->text_path);
    if (lines != static_cast<std::int64_t>(o.expected_lines)) {
      fmt::print(stderr, "error: {}: jot-cat gave {} lines, expected {}\n", cfg.contender, lines,
                 o.expected_lines);
      return std::nullopt;
    }
    const auto bin_bytes = std::filesystem::file_size(s.path);
    const auto text_bytes = std::filesystem::file_size(d->text_path);
    r.out.note = fmt::format(
        "binary log {} bytes, as text {} bytes ({:.2f}x smaller); jot-cat decoded {} records in "
        "{:.3f} s ({} msgs/s)",
        bin_bytes, text_bytes, static_cast<double>(text_bytes) / static_cast<double>(bin_bytes),
        lines, d->wall_s, bench::fmt_rate(static_cast<double>(lines) / d->wall_s));
    if (cfg.scenario == "decode") {
      r.out.records = o.expected_lines;
      r.out.wall_s = d->wall_s;
      r.out.cpu_s = d->cpu_s;
      r.out.producer_s = d->wall_s;
      r.out.all_written_s = d->wall_s;
    }
    return r;
  }
  if (cfg.scenario == "overload_drop") {
    // Drop warnings are lines of their own; count the records.
    const std::int64_t in_file = count_lines_with(s.path, "request ");
    if (in_file < 0 || static_cast<std::uint64_t>(in_file) + *o.dropped != o.expected_lines) {
      fmt::print(stderr, "error: {}: {} records in the file + {} dropped, {} logged\n",
                 cfg.contender, in_file, *o.dropped, o.expected_lines);
      return std::nullopt;
    }
  } else {
    const std::int64_t lines = cfg.contender.starts_with("jot_rotating")
                                   ? count_lines_rotated(s.path)
                                   : bench::count_lines(s.path);
    if (lines != static_cast<std::int64_t>(o.expected_lines)) {
      fmt::print(stderr, "error: {}: the log file has {} lines, expected {}\n", cfg.contender,
                 lines, o.expected_lines);
      return std::nullopt;
    }
  }
  return r;
}

// Makes the contender named in cfg and runs; an empty result: failed.
std::optional<row> make_and_run(const config& cfg, const setup& s, const bench::tick_clock& clk) {
  auto go = [&](auto& c) { return run(c, cfg, s, clk); };
  if (cfg.contender == "jot_async" || cfg.contender == "jot_async_eager" ||
      cfg.contender == "jot_sync") {
    const jot::delivery d = cfg.contender == "jot_async"         ? jot::delivery::async
                            : cfg.contender == "jot_async_eager" ? jot::delivery::async_eager
                                                                 : jot::delivery::sync;
    jot_contender c(s, d);
    return go(c);
  }
  if (cfg.contender == "jot_crash_handler" || cfg.contender == "jot_backtrace") {
    jot_contender c(
        s, jot::delivery::async, rotation::none,
        cfg.contender == "jot_crash_handler" ? jot_extra::crash_handler : jot_extra::backtrace);
    return go(c);
  }
  if (cfg.contender == "jot_rotating" || cfg.contender == "jot_rotating_gzip") {
    jot_contender c(s, jot::delivery::async,
                    cfg.contender == "jot_rotating" ? rotation::plain : rotation::gzip);
    return go(c);
  }
  if (cfg.contender == "jot_binary") {
    jot_contender c(s, jot::delivery::async, rotation::none, jot_extra::none, true);
    return go(c);
  }
  if (cfg.contender == "jot_filtered") {
    jot_unwritten_contender<unwritten::filtered> c(s);
    return go(c);
  }
  if (cfg.contender == "jot_suppressed") {
    jot_unwritten_contender<unwritten::every_n> c(s);
    return go(c);
  }
  if (cfg.contender == "jot_every_suppressed") {
    jot_unwritten_contender<unwritten::every> c(s);
    return go(c);
  }
  if (cfg.contender == "fmt_fwrite") {
    fmt_fwrite_contender c(s);
    return go(c);
  }
#if JOT_BENCH_HAVE_SPDLOG
  if (cfg.contender == "spdlog_async") {
    spdlog_contender<true> c(s);
    return go(c);
  }
  if (cfg.contender == "spdlog_sync") {
    spdlog_contender<false> c(s);
    return go(c);
  }
#endif
  return std::nullopt;  // not reached: names are checked in main()
}

}  // namespace

int main(int argc, char** argv) {
  bench::args a(argc, argv);
  if (a.help(usage)) return 0;
  config cfg;
  cfg.scenario = a.str("--scenario", "");
  cfg.contender = a.str("--contender", "");
  const std::uint64_t threads_arg = a.u64("--threads", 0);
  const std::uint64_t records_arg = a.u64("--records", 0);
  const std::string csv = a.str("--csv", "");
  const std::string extra_csv = a.str("--extra-csv", "");
  const bool quick = a.flag("--quick");
  const bool timer = a.flag("--timer");
  a.done(usage);

  if (timer) {
    // One line for the report: the figures are multiples of the step.
    const bench::tick_clock clk(bench::calibrate_ticks_per_ns(std::chrono::milliseconds(200)));
    const std::uint64_t step = bench::timer_step_ticks();
    fmt::print(
        "timer: TSC at {:.3f} GHz, step {:.1f} ns ({} ticks); a back-to-back pair of plain rdtsc "
        "reads {:.1f} ns, of fenced reads {:.1f} ns\n",
        clk.ticks_per_ns(), clk.to_ns(step), step, clk.to_ns(bench::timer_cost_ticks(true)),
        clk.to_ns(bench::timer_cost_ticks(false)));
    return 0;
  }

  struct scenario_info {
    std::string_view name;
    std::uint64_t count, quick_count;
    unsigned threads;
  };
  constexpr scenario_info scenarios[] = {
      {"hot_path", 100'000, 5'000, 1},           {"throughput", 4'000'000, 1'000'000, 1},
      {"slow_sink", 200'000, 50'000, 1},         {"batch_job", 300'000, 100'000, 2},
      {"overload_block", 1'000'000, 200'000, 1}, {"overload_drop", 1'000'000, 200'000, 1},
      {"overload_grow", 1'000'000, 200'000, 1},  {"decode", 4'000'000, 1'000'000, 1},
      {"scaling", 1'000'000, 100'000, 1},
  };
  const scenario_info* sc = nullptr;
  for (const auto& x : scenarios) {
    if (x.name == cfg.scenario) sc = &x;
  }
  constexpr std::string_view contenders[] = {
      "jot_async",      "jot_async_eager",     "jot_sync",    "jot_crash_handler",
      "jot_backtrace",  "spdlog_async",        "spdlog_sync", "fmt_fwrite",
      "jot_rotating",   "jot_rotating_gzip",   "jot_binary",  "jot_filtered",
      "jot_suppressed", "jot_every_suppressed"};
  const bool known_contender = std::find(std::begin(contenders), std::end(contenders),
                                         cfg.contender) != std::end(contenders);
  if (sc == nullptr || !known_contender) {
    fmt::print(stderr, "unknown or missing --scenario / --contender\n{}", usage);
    return 2;
  }
  if (!JOT_BENCH_HAVE_SPDLOG && cfg.contender.starts_with("spdlog")) {
    fmt::print(stderr, "{}: this build has no spdlog (install libspdlog-dev)\n", cfg.contender);
    return 2;
  }
  const std::optional<jot::backpressure> overload = overload_mode(cfg.scenario);
  const bool overload_contender =
      cfg.contender == "jot_async" ||
      (cfg.contender == "spdlog_async" && overload != jot::backpressure::grow);
  const bool hot_path_and_throughput_only = cfg.contender.starts_with("jot_rotating") ||
                                            cfg.contender == "jot_filtered" ||
                                            cfg.contender.ends_with("suppressed");
  const bool not_applicable = (hot_path_and_throughput_only && cfg.scenario != "hot_path" &&
                               cfg.scenario != "throughput") ||
                              ((cfg.contender == "jot_binary") !=
                               (cfg.scenario == "decode" ||
                                (cfg.scenario == "throughput" && cfg.contender == "jot_binary")));
  if (not_applicable) {
    fmt::print("{} {}: not applicable\n", cfg.scenario, cfg.contender);
    return 0;
  }
  if (overload && !overload_contender) {
    fmt::print("{} {}: not applicable\n", cfg.scenario, cfg.contender);
    return 0;
  }
  cfg.threads = threads_arg != 0 ? static_cast<unsigned>(threads_arg) : sc->threads;
  cfg.count = records_arg != 0 ? records_arg : quick ? sc->quick_count : sc->count;
  if ((cfg.scenario == "throughput" || cfg.scenario == "decode" || overload) && cfg.threads != 1) {
    fmt::print(stderr, "{} runs on one thread\n", cfg.scenario);
    return 2;
  }
  // The record number is an int: at most warm-up + count, or 3 per batch item.
  const std::uint64_t all_records =
      cfg.scenario == "scaling" ? cfg.count * cfg.threads : cfg.count * records_per_item;
  if (threads_arg > 64 || all_records + 2'000 > 0x7fffffffu || cfg.count < cfg.threads) {
    fmt::print(stderr, "--threads up to 64, --records at least --threads and below 2^31 / 3\n");
    return 2;
  }

  const bench::tick_clock clk(bench::calibrate_ticks_per_ns());
  bench::temp_dir dir;
  setup s;
  s.path = dir.file(cfg.contender + ".log");
  s.threads = cfg.threads;
  s.backend_cpu = cfg.threads == 1 ? backend_cpu : -1;
  s.overload = overload;
  if (cfg.scenario == "slow_sink") s.write_delay_ticks = clk.from_ns(slow_write_ns);
  if (overload) s.write_delay_ticks = clk.from_ns(overload_write_ns);

  const std::optional<row> r = make_and_run(cfg, s, clk);
  if (!r) return 1;
  print_summary(*r);
  if (r->out.lat) {
    const bool plain = cfg.scenario == "hot_path";
    fmt::print(
        "(latencies include the {} timer's own {:.1f} ns, and are multiples of its {:.1f} ns "
        "step)\n",
        plain ? "plain" : "fenced", clk.to_ns(bench::timer_cost_ticks(plain)),
        clk.to_ns(bench::timer_step_ticks()));
  }
  return append_csv(csv, *r) && append_extra_csv(extra_csv, *r) ? 0 : 1;
}
