#!/usr/bin/env bash
# Builds jot's benchmarks (Release) and runs them all.
#
#   bench/run.sh           the full run (about 30 s on two cores, plus the build)
#   bench/run.sh --quick   fewer calls, records and messages
#
# Results: bench/results/latest.csv (one row per benchmark and contender)
# and bench/results/latest.txt (everything printed).
#
# Environment:
#   JOT_BENCH_BUILD_DIR   build directory (default: build/bench-release)
#   JOT_BENCH_SKIP_DEPS=1 skip the package check and install
set -euo pipefail

usage() {
  sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $arg" >&2; usage >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_dir=${JOT_BENCH_BUILD_DIR:-build/bench-release}
results_dir=bench/results
csv=$results_dir/latest.csv
txt=$results_dir/latest.txt

if ((quick)); then
  calls=20000 records=1000000 ring_calls=200000 ring_msgs=5000000 ring_repeat=3 idle_seconds=2 render_seconds=0.2
  burst=200000
else
  calls=100000 records=4000000 ring_calls=1000000 ring_msgs=20000000 ring_repeat=3 idle_seconds=5 render_seconds=0.5
  burst=1000000
fi

step() { printf '\n[%s] %s\n' "$1" "$2"; }

# Runs a command quietly; shows its output only if it fails.
quiet() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "run.sh: failed: $*" >&2
    exit 1
  fi
  rm -f "$log"
}

# --- 1. dependencies ---------------------------------------------------------
step 1/10 "checking build dependencies"
if [[ ${JOT_BENCH_SKIP_DEPS:-0} == 1 ]]; then
  echo "skipped (JOT_BENCH_SKIP_DEPS=1)"
elif command -v dpkg >/dev/null 2>&1; then
  missing=()
  for pkg in g++ cmake ninja-build libfmt-dev libboost-dev libspdlog-dev; do
    if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
      command -v sudo >/dev/null 2>&1 || { echo "run.sh: need root or sudo to install ${missing[*]}" >&2; exit 1; }
      sudo=(sudo)
    fi
    quiet "${sudo[@]}" apt-get update
    quiet "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  else
    echo "all present"
  fi
else
  echo "no dpkg: make sure a C++20 compiler, CMake, Ninja, fmt, Boost and spdlog are installed"
fi

# --- 2. configure and build ----------------------------------------------------
step 2/10 "configuring a Release build in $build_dir"
quiet cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DJOT_BUILD_TESTS=OFF -DJOT_BUILD_EXAMPLES=OFF -DJOT_BUILD_BENCH=ON
step 3/10 "building the benchmarks"
quiet cmake --build "$build_dir" --target jot_bench_hot_path jot_bench_throughput jot_bench_ring \
  jot_bench_idle_cpu jot_bench_render jot_bench_overload

# --- 3. run --------------------------------------------------------------------
mkdir -p "$results_dir"
rm -f "$csv"
: >"$txt"
failed=()

ncpu=$(nproc 2>/dev/null || echo 1)

# Percent of all CPU time spent busy over one second (from /proc/stat), or
# nothing where /proc/stat is missing. The load average would still count
# the build that just ran.
cpu_busy_percent() {
  [[ -r /proc/stat ]] || return 0
  local a b
  a=$(head -n1 /proc/stat)
  sleep 1
  b=$(head -n1 /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN {
    na = split(a, x, " "); split(b, y, " ")
    for (i = 2; i <= na; i++) { d = y[i] - x[i]; total += d; if (i == 5 || i == 6) idle += d }
    if (total > 0) printf "%d", 100 * (total - idle) / total
  }'
}
{
  echo "jot benchmarks, $(date -u '+%Y-%m-%d %H:%M:%S UTC')$( ((quick)) && echo ' (--quick)')"
  commit=$(git rev-parse --short HEAD 2>/dev/null) || commit=unknown
  if [[ $commit != unknown ]] && ! git diff --quiet HEAD -- . ':(exclude)bench/results' 2>/dev/null; then
    commit+=" (with local changes)"
  fi
  echo "commit: $commit"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //') x $ncpu"
  echo "kernel: $(uname -sr); compiler: $(${CXX:-c++} --version 2>/dev/null | head -n1)"
} | tee -a "$txt"
if ((ncpu < 2)); then
  echo "warning: one CPU only: producer and back end share it; figures will not mean much" | tee -a "$txt"
fi
busy=$(cpu_busy_percent)
if [[ -n $busy ]] && ((busy > 20)); then
  echo "warning: the CPUs were ${busy}% busy just now (other processes): figures will be noisy" | tee -a "$txt"
fi

run_bench() {
  local name=$1
  shift
  echo | tee -a "$txt"
  if ! "$build_dir/bench/$name" "$@" --csv "$csv" 2>&1 | tee -a "$txt"; then
    failed+=("$name")
  fi
}

step 4/10 "hot path latency: $calls calls per contender, fenced timer (lfence, rdtsc, lfence)"
run_bench jot_bench_hot_path --calls "$calls"
step 5/10 "hot path latency: $calls calls per contender, plain rdtsc timer (as other loggers' benchmarks)"
run_bench jot_bench_hot_path --calls "$calls" --timer plain
step 6/10 "throughput: $records records per contender"
run_bench jot_bench_throughput --records "$records"
step 7/10 "ring: $ring_calls timed pushes, then $ring_msgs messages x $ring_repeat per contender"
run_bench jot_bench_ring --calls "$ring_calls" --msgs "$ring_msgs" --repeat "$ring_repeat"
step 8/10 "rendering: text, JSON lines and logfmt on the same record, writer side"
run_bench jot_bench_render --seconds "$render_seconds"
step 9/10 "overload: a burst of $burst records into a 64 KiB ring, sink 1 us per record, per backpressure mode"
for mode in block drop grow; do
  run_bench jot_bench_overload --mode "$mode" --records "$burst"
done
step 10/10 "idle cost: ${idle_seconds} s with nothing logged"
echo | tee -a "$txt"
if ! "$build_dir/bench/jot_bench_idle_cpu" --seconds "$idle_seconds" 2>&1 | tee -a "$txt"; then
  failed+=(jot_bench_idle_cpu)
fi

# --- 4. summary ------------------------------------------------------------------
{
  echo
  echo "== summary ($csv) =="
  awk -F, '
    NR == 1 { next }
    function ns(x) { return x < 100 ? sprintf("%.1f", x) : sprintf("%.0f", x) }
    function rate(x) {
      if (x >= 1e6) return sprintf("%.2f M/s", x / 1e6)
      if (x >= 1e3) return sprintf("%.1f k/s", x / 1e3)
      return sprintf("%.0f /s", x)
    }
    $1 == "hot_path"            { hot[++nh] = sprintf("  %-18s %-7s %8s %8s %9s %9s", $2, "fenced", ns($5), ns($7), ns($8), ns($9)) }
    $1 == "hot_path_plain_timer" { hot[++nh] = sprintf("  %-18s %-7s %8s %8s %9s %9s", $2, "plain", ns($5), ns($7), ns($8), ns($9)) }
    $1 == "throughput"          { e2e[$2] = $10; order[++nt] = $2 }
    $1 == "throughput_producer" { prod[$2] = $10 }
    $1 == "ring_latency"        { rl[++nr] = sprintf("  %-18s %8s %8s %9s", $2, ns($5), ns($7), ns($8)) }
    $1 == "ring_throughput"     { rt[$2] = $10; rorder[++nq] = $2 }
    $1 == "render"              { rr[$2] = $10; rdorder[++nd] = $2 }
    $1 ~ /^overload_/           { ov[++no] = sprintf("  %-18s %8s %8s %9s %10s", substr($1, 10), ns($5), ns($7), ns($8), ns($9)) }
    END {
      if (nh) {
        printf "log call latency on the caller (ns, timer included: fenced = lfence+rdtsc, plain = rdtsc)\n  %-18s %-7s %8s %8s %9s %9s\n", "contender", "timer", "p50", "p99", "p99.9", "max"
        for (i = 1; i <= nh; i++) print hot[i]
      }
      if (nt) {
        printf "\nthroughput to a file\n  %-18s %14s %14s\n", "contender", "end to end", "producer"
        for (i = 1; i <= nt; i++) printf "  %-18s %14s %14s\n", order[i], rate(e2e[order[i]]), rate(prod[order[i]])
      }
      if (nr) {
        printf "\nring push latency (ns)\n  %-18s %8s %8s %9s\n", "contender", "p50", "p99", "p99.9"
        for (i = 1; i <= nr; i++) print rl[i]
      }
      if (nd) {
        printf "\nrendering on the writer (records/s, one formatter, no I/O)\n"
        for (i = 1; i <= nd; i++) printf "  %-18s %14s\n", rdorder[i], rate(rr[rdorder[i]])
        if (rr["text"] > 0 && rr["json"] > 0) printf "  json / text: %.2f\n", rr["json"] / rr["text"]
      }
      if (no) {
        printf "\noverload: caller latency (ns) during a burst far larger than the ring\n  %-18s %8s %8s %9s %10s\n", "mode", "p50", "p99", "p99.9", "max"
        for (i = 1; i <= no; i++) print ov[i]
      }
      if (nq) {
        printf "\nring throughput, 64-byte messages\n"
        for (i = 1; i <= nq; i++) printf "  %-18s %14s\n", rorder[i], rate(rt[rorder[i]])
      }
    }' "$csv"
} | tee -a "$txt"

if ((${#failed[@]})); then
  echo
  echo "*** FAILED: ${failed[*]} (see the errors above) ***" | tee -a "$txt"
  exit 1
fi
echo
echo "results: $csv, $txt"
