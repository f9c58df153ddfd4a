#include "sinks/rotation_worker.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include <fmt/format.h>

#include "platform/error_text.h"
#include "platform/thread.h"
#include "sinks/gzip_file.h"

namespace jot::detail {

rotation_worker::rotation_worker(rotated_naming naming, const rotation_options& o)
    : naming_(std::move(naming)),
      compress_(o.compress),
      gzip_level_(o.gzip_level < 1 ? 1 : (o.gzip_level > 9 ? 9 : o.gzip_level)),
      sync_(o.sync_rotated),
      keep_{o.max_files, o.max_total_bytes, o.max_age},
      pid_(::getpid()),
      q_(new queue) {
  const own_thread_signals no_async_signals;
  q_->thread = std::thread([this, q = q_] { run(*q); });
}

rotation_worker::~rotation_worker() {
  if (::getpid() != pid_) return;  // a child: the thread is the parent's
  {
    const std::lock_guard<std::mutex> lk(q_->mu);
    q_->stop = true;
  }
  q_->cv.notify_one();
  q_->thread.join();
  delete q_;
}

void rotation_worker::rotated(std::uint64_t key) { push({false, key}); }
void rotation_worker::tidy() { push({true, 0}); }

void rotation_worker::push(job j) {
  if (::getpid() != pid_) {
    // After fork(): the parent's thread does not exist here.
    pid_ = ::getpid();
    q_ = new queue;  // the parent's is left as it is (its lock may be held)
    const own_thread_signals no_async_signals;
    q_->thread = std::thread([this, q = q_] { run(*q); });
  }
  {
    const std::lock_guard<std::mutex> lk(q_->mu);
    q_->jobs.push_back(j);
  }
  q_->cv.notify_one();
}

void rotation_worker::run(queue& q) {
  pthread_setname_np(pthread_self(), "jot-rotate");
  // Low priority: compression must not compete with the application.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
  for (;;) {
    job j;
    {
      std::unique_lock<std::mutex> lk(q.mu);
      q.cv.wait(lk, [&q] { return q.stop || !q.jobs.empty(); });
      if (q.jobs.empty()) return;  // stopping, and all done
      j = q.jobs.front();
      q.jobs.pop_front();
    }
    try {
      if (j.tidy) {
        do_tidy();
      } else {
        do_rotated(j.key);
      }
    } catch (const std::exception& e) {
      report_error(fmt::format("rotation of {}: {}", naming_.path_of(0), e.what()));
    }
  }
}

void rotation_worker::do_rotated(std::uint64_t key) {
  const std::string path = naming_.path_of(key);
  if (sync_) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::fdatasync(fd);
      ::close(fd);
    }
    sync_dir();
  }
  if (compress_ == compression::gzip) compress(key);
  retain();
}

// The steps of compress() are: write `f.gz.tmp`, sync it, rename it to
// `f.gz`, sync the directory, remove `f`. So after a crash: a `.gz.tmp`
// is unfinished (removed here, and the original compressed again); an
// original beside its `.gz` had its copy finished (the original is removed).
void rotation_worker::do_tidy() {
  std::vector<rotated_file> files;
  if (const int err = naming_.scan(files); err != 0) {
    report_once(err, fmt::format("rotated files in {}: cannot read the directory: {}",
                                 naming_.dir(), error_text(err)));
    return;
  }
  for (const rotated_file& f : files) {
    const std::string path = naming_.path_of(f.key);
    if (f.gz_tmp) ::unlink((path + ".gz.tmp").c_str());
    if (f.plain && f.gz) {
      ::unlink(path.c_str());
    } else if (f.plain && compress_ == compression::gzip) {
      compress(f.key);
    }
  }
  retain();
}

bool rotation_worker::compress(std::uint64_t key) {
  const std::string path = naming_.path_of(key);
  const std::string tmp = path + ".gz.tmp";
  const std::string gz = path + ".gz";
  // Compressed already, or removed first (retention, after later
  // rotations, reached it before this job): nothing to do, nothing wrong.
  if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return true;
  std::string what;
  if (const int err = gzip_file(path, tmp, gzip_level_, sync_, what); err != 0) {
    if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) {
      ::unlink(tmp.c_str());  // removed while it was being read
      return true;
    }
    report_once(err, fmt::format("file {}: cannot compress ({} failed: {}); the file is kept "
                                 "as it is, and compressing it is tried again at the next start",
                                 path, what, error_text(err)));
    return false;
  }
  if (std::rename(tmp.c_str(), gz.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    report_once(err, fmt::format("file {}: cannot rename the compressed copy: {}; the file is kept",
                                 path, error_text(err)));
    return false;
  }
  if (sync_) sync_dir();
  ::unlink(path.c_str());
  last_errno_ = 0;
  return true;
}

void rotation_worker::retain() {
  if (keep_.max_files == 0 && keep_.max_total_bytes == 0 && keep_.max_age.count() <= 0) return;
  std::vector<rotated_file> files;
  if (const int err = naming_.scan(files); err != 0) {
    report_once(err, fmt::format("rotated files in {}: cannot read the directory: {}",
                                 naming_.dir(), error_text(err)));
    return;
  }
  const std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  const std::int64_t oldest_ns =
      keep_.max_age.count() > 0
          ? now_ns - std::chrono::duration_cast<std::chrono::nanoseconds>(keep_.max_age).count()
          : 0;
  // Newest first: keep while every limit holds; from the first file that
  // breaks one, everything older goes.
  std::size_t count = 0;
  std::uint64_t bytes = 0;
  bool dropping = false;
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    if (!it->plain && !it->gz) continue;  // only an unfinished .gz.tmp
    ++count;
    bytes += it->bytes;
    if (!dropping) {
      dropping = (keep_.max_files != 0 && count > keep_.max_files) ||
                 (keep_.max_total_bytes != 0 && bytes > keep_.max_total_bytes) ||
                 (keep_.max_age.count() > 0 && it->mtime_ns < oldest_ns);
    }
    if (dropping) remove_key(*it);
  }
}

void rotation_worker::remove_key(const rotated_file& f) {
  const std::string path = naming_.path_of(f.key);
  for (const std::string& p : {path, path + ".gz"}) {
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) {
      const int err = errno;
      report_once(
          err, fmt::format("file {}: cannot remove an old rotated file: {}", p, error_text(err)));
    }
  }
}

void rotation_worker::sync_dir() {
  const int fd = ::open(naming_.dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Reports a failure unless the last one had the same errno: a full disk
// is reported once, not at every rotation.
void rotation_worker::report_once(int err, const std::string& message) {
  if (err == last_errno_) return;
  last_errno_ = err;
  report_error(message);
}

}  // namespace jot::detail
