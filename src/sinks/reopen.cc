#include "sinks/reopen.h"

#include <signal.h>

#include <atomic>
#include <cerrno>
#include <mutex>

#include <fmt/format.h>

#include "jot/sink.h"
#include "platform/error_text.h"

namespace jot::detail {

namespace {

// Written from a signal handler: must be lock-free to be safe there.
std::atomic<std::uint64_t> g_generation{0};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

// The handler that was there before ours, called after ours. Written once,
// before ours is installed, and only read afterwards.
struct sigaction g_previous {};

// Async-signal-safe only: an atomic increment, and the previous handler.
// SIG_DFL (which would end the process) and SIG_IGN are not chained: asking
// for the hook means SIGHUP reopens files instead.
void on_sighup(int sig, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  g_generation.fetch_add(1, std::memory_order_relaxed);
  if ((g_previous.sa_flags & SA_SIGINFO) != 0) {
    if (g_previous.sa_sigaction != nullptr) g_previous.sa_sigaction(sig, info, context);
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN &&
             g_previous.sa_handler != nullptr) {
    g_previous.sa_handler(sig);
  }
  errno = saved_errno;
}

}  // namespace

std::uint64_t reopen_generation() noexcept { return g_generation.load(std::memory_order_relaxed); }

void install_sighup_reopen() noexcept {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = on_sighup;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (::sigaction(SIGHUP, &sa, &g_previous) != 0) {
      report_error(fmt::format("cannot install the SIGHUP handler (options::reopen_on_sighup): {}",
                               error_text(errno)));
    }
  });
}

}  // namespace jot::detail

namespace jot {

void reopen() noexcept { detail::g_generation.fetch_add(1, std::memory_order_relaxed); }

}  // namespace jot
