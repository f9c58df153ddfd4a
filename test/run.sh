#!/usr/bin/env bash
# Builds jot and runs every test: the one command for CI and for a fresh
# Debian 12 machine. Installs missing packages first (with apt-get).
#
#   test/run.sh                 release, asan, tsan, fuzz and lint passes
#   test/run.sh --quick         the release pass only
#   test/run.sh --pass NAME     one pass (a preset: dev, release, asan, tsan,
#                               fuzz: each libFuzzer target for 12 s, or
#                               lint: clang-format and clang-tidy,
#                               arm64: see below); may be given more than once
#
# Each pass is `cmake --preset NAME`, `cmake --build --preset NAME` and
# `ctest --preset NAME`. Every selected pass runs even if an earlier one
# fails; the exit status is non-zero if any failed. The last line is
# "N passed, M failed", counting tests over all passes.
#
# Time budget: the default run stays under 40 minutes on a 2-core machine
# (CI allows 90). Measured on a quiet 2-core machine (fresh clone, packages
# installed): release 8-9 min, asan 8.5, tsan 5.5, fuzz 4.5, lint 2: about
# 29 min in all. The sanitizer presets compile at -O1 with line tables only
# (-g1), which the sanitizers' reports need and which builds in about 60%
# of the time of -O2 -g. A pass that adds minutes says so here.
#
# The arm64 pass (--pass arm64, never part of the default run) cross-builds
# jot for aarch64 Linux with Debian's g++-aarch64-linux-gnu and the arm64
# packages of its dependencies (installed only when this pass is selected:
# it adds the arm64 architecture to dpkg), and runs the tests under
# qemu-user (preset arm64, at -O1 to save build time; test/emulated_tests.cmake
# lists the test cases it leaves out and why, and sets a 600 s per-test
# timeout). Measured on the 2-core machine, busy with other builds: a clean
# build 22 min (-j2), the tests 10.5 min (crash_handler_test 5.5 of them).
# Budget: 45 minutes.
#
# Environment: JOT_JOBS (default: nproc) sets build parallelism and
# JOT_TEST_JOBS (default: 1) test parallelism; tests run one at a time by
# default: several tests start many threads each, and the machines have two
# cores.
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

readonly all_passes=(release asan tsan fuzz lint)
readonly known_presets=(dev release asan tsan fuzz lint arm64)
passes=()
while (($# > 0)); do
  case "$1" in
    --quick) passes+=(release) ;;
    --pass)
      if (($# < 2)); then
        echo "run.sh: --pass needs a preset name" >&2
        exit 2
      fi
      passes+=("$2")
      shift
      ;;
    --pass=*) passes+=("${1#--pass=}") ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "run.sh: unknown argument '$1' (try --help)" >&2
      exit 2
      ;;
  esac
  shift
done
if ((${#passes[@]} == 0)); then
  passes=("${all_passes[@]}")
fi
for p in "${passes[@]}"; do
  if [[ " ${known_presets[*]} " != *" $p "* ]]; then
    echo "run.sh: unknown pass '$p' (one of: ${known_presets[*]})" >&2
    exit 2
  fi
done

cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs="${JOT_JOBS:-$(nproc 2>/dev/null || echo 2)}"
test_jobs="${JOT_TEST_JOBS:-1}"

header() {
  printf '\n==== %s ====\n' "$*"
}

# --- 1. Packages -------------------------------------------------------------

readonly packages=(
  g++ cmake ninja-build
  libfmt-dev libboost-dev libgtest-dev libgmock-dev nlohmann-json3-dev libspdlog-dev
  clang libclang-rt-14-dev clang-format clang-tidy
  # Rotating file sink: gzip of rotated files; the real logrotate in its tests.
  zlib1g-dev logrotate
  # The collector sinks: TLS (OpenSSL), and the real collectors the tests
  # start (rsyslog with its OpenSSL driver, systemd-journald, openssl for
  # throwaway certificates, and syslog-ng's libraries; syslog-ng itself is
  # unpacked below).
  libssl-dev openssl rsyslog rsyslog-openssl systemd
  libglib2.0-0 libivykis0 libjson-c5 libnet1 libpcre3 libwrap0 libcap2
  # The package test of jot.pc.
  pkg-config
)

# A package installed for two architectures (the arm64 pass adds arm64
# ones) is ambiguous to dpkg without its architecture.
pkg_installed() {
  dpkg -s "$1" >/dev/null 2>&1 || dpkg -s "$1:$(dpkg --print-architecture)" >/dev/null 2>&1
}

# as_root COMMAND...: runs it as root (directly, or through sudo).
as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "run.sh: '$*' needs root, and there is no sudo" >&2
    exit 1
  fi
}

# install_missing WHAT PACKAGE...: installs those of the packages that are
# not installed, with apt-get.
install_missing() {
  local what="$1"
  shift
  local -a missing=()
  local pkg
  for pkg in "$@"; do
    if ! pkg_installed "$pkg"; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    echo "$what: all present: $*"
    return
  fi
  echo "$what: installing: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

header "packages"
if command -v dpkg >/dev/null 2>&1; then
  install_missing "packages" "${packages[@]}"
else
  echo "run.sh: no dpkg; not checking packages (${packages[*]})" >&2
fi

# The arm64 pass: the cross compiler, qemu-user and the arm64 packages of
# jot's dependencies (Debian multiarch), only when that pass is selected.
readonly arm64_packages=(
  g++-aarch64-linux-gnu qemu-user
  libfmt-dev:arm64 libboost-dev:arm64 libgtest-dev:arm64 libgmock-dev:arm64
  zlib1g-dev:arm64 libssl-dev:arm64
)
if [[ " ${passes[*]} " == *" arm64 "* ]] && command -v dpkg >/dev/null 2>&1; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    as_root dpkg --add-architecture arm64
  fi
  install_missing "arm64 pass" "${arm64_packages[@]}"
fi

# syslog-ng conflicts with rsyslog as an installed package (both are a
# system-log-daemon), so its package is unpacked into build/syslog-ng, from
# where test/integration/syslog_ng_test.cc runs it.
syslog_ng_root=build/syslog-ng
if [[ ! -x "$syslog_ng_root/usr/sbin/syslog-ng" ]] && command -v dpkg >/dev/null 2>&1; then
  echo "unpacking syslog-ng-core into $syslog_ng_root"
  deb_dir="$(mktemp -d "${TMPDIR:-/tmp}/jot-syslog-ng.XXXXXX")"
  if (cd "$deb_dir" && apt-get download syslog-ng-core >/dev/null 2>&1) &&
    mkdir -p "$syslog_ng_root" && dpkg -x "$deb_dir"/syslog-ng-core_*.deb "$syslog_ng_root"; then
    echo "syslog-ng unpacked"
  else
    echo "run.sh: could not download syslog-ng-core; its test will skip" >&2
  fi
  rm -rf "$deb_dir"
fi

# --- 2. Passes ---------------------------------------------------------------

log_dir="$(mktemp -d "${TMPDIR:-/tmp}/jot-run.XXXXXX")"
trap 'rm -rf "$log_dir"' EXIT

# ThreadSanitizer cannot map its shadow memory on kernels with high ASLR
# entropy ("FATAL: ThreadSanitizer: unexpected memory mapping"); running the
# tsan pass with ASLR off avoids that. setarch may be refused (e.g. seccomp
# in a container), so only use it if it works here.
tsan_runner=()
if command -v setarch >/dev/null 2>&1 && setarch "$(uname -m)" -R true >/dev/null 2>&1; then
  tsan_runner=(setarch "$(uname -m)" -R)
fi

summaries=()
total_passed=0
total_failed=0
any_failed=0

# run_lint: clang-format (no file may change) and clang-tidy (no warning) over
# the sources, as two checks. Sets the same variables as run_pass.
run_lint() {
  pass_tests_passed=0
  pass_tests_failed=0
  local -a files
  mapfile -t files < <(git ls-files '*.h' '*.cc' 2>/dev/null ||
    find include src test bench examples -name '*.h' -o -name '*.cc')
  echo "--- clang-format (${#files[@]} files)"
  if clang-format --dry-run --Werror "${files[@]}"; then
    pass_tests_passed=$((pass_tests_passed + 1))
  else
    pass_tests_failed=$((pass_tests_failed + 1))
  fi
  echo "--- clang-tidy (src/, with the release build's compile commands)"
  if [[ ! -f build/release/compile_commands.json ]] && ! cmake --preset release >/dev/null; then
    pass_status="configure failed"
    return
  fi
  local tidy_log="$log_dir/clang-tidy.log" tidy_rc=0
  printf '%s\n' src/*.cc src/*/*.cc src/*/*/*.cc |
    xargs -P "$jobs" -n 4 clang-tidy -p build/release --quiet --warnings-as-errors='*' \
      >"$tidy_log" 2>&1 || tidy_rc=$?
  grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$' "$tidy_log" || true
  if ((tidy_rc == 0)); then
    pass_tests_passed=$((pass_tests_passed + 1))
  else
    pass_tests_failed=$((pass_tests_failed + 1))
  fi
  if ((pass_tests_failed == 0)); then
    pass_status="ok"
  else
    pass_status="FAILED: $pass_tests_failed of 2 checks failed"
  fi
}

# run_pass NAME: configure, build and test one preset. Sets pass_status,
# pass_tests_passed, pass_tests_failed. Never exits the script.
run_pass() {
  local name="$1"
  local -a envs=() runner=()
  case "$name" in
    asan | fuzz)
      envs=(ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)
      ;;
    tsan)
      envs=(TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1)
      runner=("${tsan_runner[@]}")
      ;;
  esac
  # `env` with no assignments just runs the command.
  local -a prefix=(env "${envs[@]}" "${runner[@]}")
  if ((${#envs[@]} > 0)); then echo "environment: ${envs[*]}"; fi
  if ((${#runner[@]} > 0)); then echo "runner: ${runner[*]}"; fi

  pass_tests_passed=0
  pass_tests_failed=0

  echo "--- configure"
  if ! cmake --preset "$name"; then
    pass_status="configure failed"
    return
  fi
  # The build runs under the same environment and runner as the tests, as
  # test discovery may run the (sanitized) test binaries at build time.
  echo "--- build"
  if ! "${prefix[@]}" cmake --build --preset "$name" -j "$jobs"; then
    pass_status="build failed"
    return
  fi

  echo "--- test"
  local log="$log_dir/$name-ctest.log"
  local rc=0
  "${prefix[@]}" ctest --preset "$name" --output-on-failure -j "$test_jobs" 2>&1 | tee "$log" ||
    rc=$?

  # "100% tests passed, 0 tests failed out of 12" / "75% tests passed, 3 tests failed out of 12"
  local line
  line="$(grep -E '[0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)"
  if [[ "$line" =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
    pass_tests_failed="${BASH_REMATCH[1]}"
    pass_tests_passed=$((BASH_REMATCH[2] - BASH_REMATCH[1]))
  fi

  if ((rc != 0)); then
    if [[ -n "$line" ]]; then
      pass_status="FAILED: $pass_tests_failed of $((pass_tests_passed + pass_tests_failed)) tests failed"
    else
      pass_status="FAILED: ctest exited with $rc and no result line"
    fi
  elif [[ -z "$line" ]]; then
    pass_status="FAILED: no ctest result line"
  elif ((pass_tests_failed != 0)); then
    pass_status="FAILED: $pass_tests_failed of $((pass_tests_passed + pass_tests_failed)) tests failed"
  else
    pass_status="ok"
  fi
}

for name in "${passes[@]}"; do
  if [[ "$name" == lint ]]; then
    header "pass: lint (clang-format, clang-tidy)"
  else
    header "pass: $name (preset '$name', build -j$jobs, test -j$test_jobs)"
  fi
  start=$SECONDS
  pass_status="" pass_tests_passed=0 pass_tests_failed=0
  if [[ "$name" == lint ]]; then
    run_lint
  else
    run_pass "$name"
  fi
  elapsed=$((SECONDS - start))
  total_passed=$((total_passed + pass_tests_passed))
  total_failed=$((total_failed + pass_tests_failed))
  if [[ "$pass_status" != "ok" ]]; then
    any_failed=1
  fi
  summary="$(printf '%-8s %-4s %d passed, %d failed (%ds)' "$name" \
    "$([[ "$pass_status" == ok ]] && echo PASS || echo FAIL)" \
    "$pass_tests_passed" "$pass_tests_failed" "$elapsed")"
  if [[ "$pass_status" != "ok" ]]; then
    summary+=" - $pass_status"
  fi
  summaries+=("$summary")
  echo "pass $name: $pass_status (${elapsed}s)"
done

# --- 3. Summary --------------------------------------------------------------

header "summary"
printf '%s\n' "${summaries[@]}"
echo "$total_passed passed, $total_failed failed"
exit "$any_failed"
