// The background thread of a rotating file sink: makes rotated files
// durable, compresses them, applies retention, and at start cleans up what
// a crash left. The writer only queues work here (a lock held for a push),
// so it never waits for a compression or a deletion.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "jot/sink.h"
#include "sinks/rotated_names.h"

namespace jot::detail {

struct retention {
  std::size_t max_files = 0;
  std::uint64_t max_total_bytes = 0;
  std::chrono::seconds max_age{0};
};

class rotation_worker {
 public:
  rotation_worker(rotated_naming naming, const rotation_options& o);
  // Finishes the queued work, then stops the thread.
  ~rotation_worker();
  rotation_worker(const rotation_worker&) = delete;
  rotation_worker& operator=(const rotation_worker&) = delete;

  // The file with this key was just rotated: sync, compress, apply retention.
  void rotated(std::uint64_t key);
  // Finish or undo what a crash left, compress what should be, apply retention.
  void tidy();

 private:
  struct job {
    bool tidy = false;
    std::uint64_t key = 0;
  };
  struct queue {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<job> jobs;
    bool stop = false;
    std::thread thread;
  };

  void push(job j);
  void run(queue& q);
  void do_rotated(std::uint64_t key);
  void do_tidy();
  // Compresses one rotated file: the .gz replaces the original only once
  // it is complete and durable. False (reported) if it could not.
  bool compress(std::uint64_t key);
  void retain();
  void remove_key(const rotated_file& f);
  void sync_dir();
  void report_once(int err, const std::string& message);

  rotated_naming naming_;
  compression compress_;
  int gzip_level_;
  bool sync_;
  retention keep_;
  int last_errno_ = 0;
  pid_t pid_;
  // A pointer, not a member: a child after fork() has no such thread and
  // maybe a lock held by it; it leaves the parent's queue alone and makes
  // its own.
  queue* q_;
};

}  // namespace jot::detail
