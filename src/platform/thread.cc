#include "platform/thread.h"

#include <linux/futex.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "jot/sink.h"
#include "platform/error_text.h"

namespace jot::detail {

namespace {

sigset_t write_signals() noexcept {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGXFSZ);
  sigaddset(&set, SIGPIPE);
  return set;
}

}  // namespace

write_signal_guard::write_signal_guard() noexcept {
  const sigset_t set = write_signals();
  active_ = pthread_sigmask(SIG_BLOCK, &set, &old_) == 0;
}

void write_signal_guard::failed_with(int err) noexcept {
  xfsz_ = xfsz_ || err == EFBIG;
  pipe_ = pipe_ || err == EPIPE;
}

write_signal_guard::~write_signal_guard() {
  if (!active_) return;
  if (xfsz_ || pipe_) {
    sigset_t pending;
    if (sigpending(&pending) == 0) {
      for (const auto& [sig, raised] : {std::pair{SIGXFSZ, xfsz_}, std::pair{SIGPIPE, pipe_}}) {
        if (raised && sigismember(&pending, sig) == 1 && sigismember(&old_, sig) == 0) {
          sigset_t one;
          sigemptyset(&one);
          sigaddset(&one, sig);
          const timespec now{};
          static_cast<void>(sigtimedwait(&one, nullptr, &now));
        }
      }
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

own_thread_signals::own_thread_signals() noexcept {
  sigset_t set;
  sigfillset(&set);
  // A thread's own faults and abort() are delivered to it whatever its mask
  // says (blocked, the kernel kills the process): leave them to the crash
  // handler. SIGPROF stays, so a sampling profiler sees the writer too.
  // SIGALRM is blocked: the crash handler's drain timer, aimed at one
  // thread, unblocks it where needed.
  for (const int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT, SIGPROF}) {
    sigdelset(&set, sig);
  }
  active_ = pthread_sigmask(SIG_BLOCK, &set, &old_) == 0;
}

own_thread_signals::~own_thread_signals() {
  if (active_) pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

std::uint64_t current_thread_id() noexcept {
  return static_cast<std::uint64_t>(::syscall(SYS_gettid));
}

std::string current_thread_name() {
  char name[64] = {};
  if (pthread_getname_np(pthread_self(), name, sizeof name) != 0) return {};
  return name;
}

void name_current_thread(const std::string& name) noexcept {
  if (name.empty()) return;
  // The kernel keeps 15 characters and the terminating zero.
  const std::string shortened = name.substr(0, 15);
  if (const int rc = pthread_setname_np(pthread_self(), shortened.c_str()); rc != 0) {
    report_error(fmt::format("cannot name the writer thread '{}': {}", shortened, error_text(rc)));
  }
}

void pin_current_thread(int cpu) noexcept {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<unsigned>(cpu), &set);
  if (const int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set); rc != 0) {
    report_error(fmt::format("cannot pin the writer thread to CPU {}: {}", cpu, error_text(rc)));
  }
}

void process_wide_barrier() noexcept {
  static const bool registered =
      ::syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
  if (registered && ::syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0) return;
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void futex_wait(std::uint32_t* word, std::uint32_t expected, long us) noexcept {
  const int saved_errno = errno;  // a signal handler's call must leave it as it was
  const timespec ts{us / 1'000'000, (us % 1'000'000) * 1000};
  static_cast<void>(::syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, &ts, nullptr, 0));
  errno = saved_errno;
}

void futex_wake(std::uint32_t* word) noexcept {
  const int saved_errno = errno;
  static_cast<void>(::syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0));
  errno = saved_errno;
}

void nap(long us) noexcept {
  const timespec ts{us / 1'000'000, (us % 1'000'000) * 1000};
  static_cast<void>(::nanosleep(&ts, nullptr));
}

}  // namespace jot::detail
