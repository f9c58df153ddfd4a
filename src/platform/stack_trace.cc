#include "platform/stack_trace.h"

#include <execinfo.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace jot::detail {

namespace {

// Filled once, in normal context, before any handler can read it; read-only
// afterwards.
struct module_range {
  std::uintptr_t lo;
  std::uintptr_t hi;
  std::uintptr_t base;  // what offsets are relative to (the load bias)
  const char* name;
};
constexpr std::size_t max_modules = 512;
constexpr std::size_t names_bytes = std::size_t{64} << 10;
module_range g_modules[max_modules];
std::size_t g_module_count = 0;
char g_names[names_bytes];
std::size_t g_names_used = 0;
char g_exe[4096];
std::atomic<bool> g_prepared{false};

const char* keep_name(const char* name) noexcept {
  const std::size_t n = std::strlen(name);
  if (g_names_used + n + 1 > names_bytes) return "?";
  char* at = g_names + g_names_used;
  std::memcpy(at, name, n + 1);
  g_names_used += n + 1;
  return at;
}

int note_module(dl_phdr_info* info, std::size_t /*size*/, void* /*data*/) noexcept {
  if (g_module_count == max_modules) return 1;
  std::uintptr_t lo = UINTPTR_MAX;
  std::uintptr_t hi = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    const std::uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    lo = std::min(lo, start);
    hi = std::max(hi, static_cast<std::uintptr_t>(start + ph.p_memsz));
  }
  if (lo >= hi) return 0;
  const char* name = info->dlpi_name;
  // The main program has an empty name.
  if (name == nullptr || name[0] == '\0') name = g_exe[0] != '\0' ? g_exe : "main";
  g_modules[g_module_count++] = {lo, hi, info->dlpi_addr, keep_name(name)};
  return 0;
}

}  // namespace

void fixed_text::add(std::string_view s) noexcept {
  const std::size_t n = std::min(s.size(), cap_ - len_);
  std::memcpy(buf_ + len_, s.data(), n);
  len_ += n;
}

void fixed_text::add_dec(std::uint64_t v) noexcept {
  char tmp[20];
  std::size_t i = sizeof tmp;
  do {
    tmp[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  add({tmp + i, sizeof tmp - i});
}

void fixed_text::add_hex(std::uint64_t v) noexcept {
  char tmp[18];
  std::size_t i = sizeof tmp;
  do {
    tmp[--i] = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v != 0);
  tmp[--i] = 'x';
  tmp[--i] = '0';
  add({tmp + i, sizeof tmp - i});
}

void prepare_stack_traces() noexcept {
  if (g_prepared.exchange(true)) return;
  const ssize_t n = ::readlink("/proc/self/exe", g_exe, sizeof g_exe - 1);
  g_exe[n > 0 ? n : 0] = '\0';
  dl_iterate_phdr(note_module, nullptr);
  void* warm[2];
  static_cast<void>(backtrace(warm, 2));
}

int capture_stack(void** frames, int max) noexcept {
  if (!g_prepared.load(std::memory_order_acquire)) return 0;
  return backtrace(frames, max);
}

void describe_frames(void* const* frames, int n, fixed_text& out) noexcept {
  for (int i = 0; i < n; ++i) {
    if (i != 0) out.add("\n");
    const auto pc = reinterpret_cast<std::uintptr_t>(frames[i]);
    out.add("#");
    out.add_dec(static_cast<std::uint64_t>(i));
    out.add(" ");
    out.add_hex(pc);
    for (std::size_t m = 0; m < g_module_count; ++m) {
      if (pc >= g_modules[m].lo && pc < g_modules[m].hi) {
        out.add(" ");
        out.add(g_modules[m].name);
        out.add("+");
        out.add_hex(pc - g_modules[m].base);
        break;
      }
    }
  }
}

}  // namespace jot::detail
