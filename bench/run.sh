#!/usr/bin/env bash
# Builds jot's benchmark suite (Release) and runs every scenario and
# contender, each in its own process, then the compile-time benchmark; it
# repeats that whole plan several times, round-robin, so that a drift of
# the machine's speed hits every contender alike, and reports the median.
#
#   bench/run.sh           the full run: 3 rounds, 100,000 hot-path calls
#                          per thread (about 30 minutes on two cores: 1,712 s
#                          on the 2-core VM, 8 minutes of it spdlog at 4-16
#                          threads in the scaling scenario)
#   bench/run.sh --quick   1 round, smaller counts (under 3 minutes on two
#                          cores, a fresh build of the suite included)
#   --runs N               N rounds instead
#
# Both times leave out installing missing packages (the first step).
#
# Results in bench/results/:
#   latest.csv             per scenario, contender and thread count, the
#                          median of each column over the rounds
#   latest.runs.csv        every round's rows (a first column "run")
#   latest.extra.csv       what the CSV has no column for, medians: the
#                          producer-side time and rate, when all was written
#   latest.extra.runs.csv  the same for every round
#   latest.md              tables, a reading of the figures, the target checks,
#                          and the summary table of the README
#   latest.*.png           hot-path percentiles, throughput, and scaling
#                          against threads (gnuplot)
#   latest.meta.txt        machine, timer, commit, rounds
#   latest.collector.txt   records/s to a real rsyslogd over TCP, end to end,
#                          jot and spdlog's tcp_sink (one round)
#   latest.txt             everything printed
# bench/report.sh redoes latest.md and the plots from latest.csv.
#
# A target check that fails is reported, not an error; a benchmark process
# that fails (or runs past its time limit) makes the exit status non-zero.
#
# Environment:
#   JOT_BENCH_BUILD_DIR    build directory (default: build/bench-release)
#   JOT_BENCH_RESULTS_DIR  results directory (default: bench/results)
#   JOT_BENCH_SKIP_DEPS=1  skip the package check and install
#   JOT_BENCH_TIMEOUT      seconds one benchmark process may take
#                          (default: 120 with --quick, 600 without)
#   JOT_BENCH_SUITE        run this driver instead of building one
#                          (for testing these scripts)
set -euo pipefail
export LC_ALL=C  # decimal points in the figures, whatever the locale

usage() { sed -n '2,40s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

quick=0 runs=''
while (($#)); do
  case "$1" in
    --quick) quick=1; shift ;;
    --runs)
      [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs needs a whole number" >&2; exit 2; }
      runs=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_dir=${JOT_BENCH_BUILD_DIR:-build/bench-release}
results_dir=${JOT_BENCH_RESULTS_DIR:-bench/results}
csv=$results_dir/latest.csv
runs_csv=$results_dir/latest.runs.csv
extra_csv=$results_dir/latest.extra.csv
extra_runs_csv=$results_dir/latest.extra.runs.csv
meta=$results_dir/latest.meta.txt
txt=$results_dir/latest.txt
suite=${JOT_BENCH_SUITE:-$build_dir/bench/jot_bench_suite}
if ((quick)); then
  limit=${JOT_BENCH_TIMEOUT:-120} quick_flag=(--quick) runs=${runs:-1}
else
  limit=${JOT_BENCH_TIMEOUT:-600} quick_flag=() runs=${runs:-3}
fi

header=scenario,contender,threads,records,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,wall_s,msgs_per_s,cpu_s,peak_rss_kib,dropped
extra_header=scenario,contender,threads,records,producer_s,producer_msgs_per_s,all_written_s

# --- the plan ------------------------------------------------------------------
# One entry per process: scenario, thread count ("-" = the driver's
# default), contender.
contenders=(jot_async jot_async_eager jot_sync spdlog_async spdlog_sync fmt_fwrite)
plan=()
for threads in 1 2 4; do
  for c in "${contenders[@]}"; do plan+=("hot_path $threads $c"); done
done
# The crash handler installed, and records kept by the flight recorder,
# against jot_async's hot path in the same run.
for c in jot_crash_handler jot_backtrace; do plan+=("hot_path 1 $c"); done
for scenario in throughput slow_sink; do
  for c in "${contenders[@]}"; do plan+=("$scenario - $c"); done
done
for c in "${contenders[@]}"; do plan+=("batch_job 2 $c"); done
# The rotating file sink (every 1 MiB; then with gzip) against jot_async's
# plain file sink, in the same rounds.
for c in jot_rotating jot_rotating_gzip; do
  plan+=("hot_path 1 $c" "throughput - $c")
done
# The binary log: end to end, and jot-cat decoding it.
plan+=("throughput - jot_binary" "decode - jot_binary")
# Calls that write nothing, below the level or held back by a rate limit,
# against jot_async's written call in the same rounds.
for c in jot_filtered jot_suppressed jot_every_suppressed; do
  plan+=("hot_path 1 $c" "throughput - $c")
done
# Many producers, blocking when the queue is full: jot against spdlog's
# blocking async logger.
for threads in 1 2 4 8 16; do
  for c in jot_async spdlog_async; do plan+=("scaling $threads $c"); done
done
# spdlog has block and drop (overrun_oldest) policies, not a growing queue.
for mode in block drop grow; do
  plan+=("overload_$mode - jot_async")
  [[ $mode == grow ]] || plan+=("overload_$mode - spdlog_async")
done

# Steps: dependencies, configure, build, per round each run and the compile
# time, then the report.
total=$((3 + runs * (${#plan[@]} + 1) + 1))
k=0
step() { k=$((k + 1)); printf '[%d/%d] %s' "$k" "$total" "$1"; }

# Runs a command quietly; shows its output only if it fails.
quiet() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    echo
    cat "$log" >&2
    rm -f "$log"
    echo "run.sh: failed: $*" >&2
    exit 1
  fi
  rm -f "$log"
}

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

# Reads CSV rows whose first column is the round number (after a header
# line) and writes, under `header`, one row per remaining key (columns 2-4:
# scenario, contender, threads), in first-seen order, each other column the
# median of its non-empty values over the rounds, as written: the middle
# value, or the lower of the two middle ones for an even count (so that a
# latency stays a value that was measured, a multiple of the timer's step).
median_rows() {
  local header=$1 in=$2 out=$3
  awk -F, -v OFS=, -v header="$header" '
    function median(key, col,   n, i, j, t, v) {
      n = 0
      for (i = 1; i <= cnt[key]; i++) {
        t = cell[key, i, col]
        if (t != "") v[++n] = t
      }
      if (n == 0) return ""
      for (i = 2; i <= n; i++) {  # insertion sort: a handful of rounds
        t = v[i]
        for (j = i - 1; j >= 1 && v[j] + 0 > t + 0; j--) v[j + 1] = v[j]
        v[j + 1] = t
      }
      return v[int((n + 1) / 2)]
    }
    NR == 1 { next }
    {
      key = $2 OFS $3 OFS $4
      if (!(key in cnt)) order[++nk] = key
      i = ++cnt[key]
      for (col = 5; col <= NF; col++) cell[key, i, col] = $col
      width[key] = NF
    }
    END {
      print header
      for (k = 1; k <= nk; k++) {
        key = order[k]
        line = key
        for (col = 5; col <= width[key]; col++) line = line OFS median(key, col)
        print line
      }
    }' "$in" >"$out"
}

main() {
  local started=$SECONDS failed=()

  # --- dependencies --------------------------------------------------------------
  step "build dependencies: "
  if [[ ${JOT_BENCH_SKIP_DEPS:-0} == 1 ]]; then
    echo "skipped (JOT_BENCH_SKIP_DEPS=1)"
  elif command -v dpkg >/dev/null 2>&1; then
    local missing=() pkg sudo=()
    for pkg in g++ cmake ninja-build libfmt-dev libboost-dev zlib1g-dev libspdlog-dev gnuplot-nox libssl-dev rsyslog; do
      if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
        missing+=("$pkg")
      fi
    done
    if ((${#missing[@]})); then
      echo "installing ${missing[*]}"
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
    echo "no dpkg: make sure a C++20 compiler, CMake, Ninja, fmt, Boost, spdlog and gnuplot are installed"
  fi
  local deps_s=$((SECONDS - started))

  # --- configure and build ---------------------------------------------------------
  if [[ -n ${JOT_BENCH_SUITE:-} ]]; then
    step "configure: skipped (JOT_BENCH_SUITE=$JOT_BENCH_SUITE)"; echo
    step "build: skipped"; echo
  else
    step "configuring a Release build in $build_dir"; echo
    quiet cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DJOT_BUILD_TESTS=OFF -DJOT_BUILD_EXAMPLES=OFF -DJOT_BUILD_BENCH=ON
    step "building jot_bench_suite"
    local t_build=$SECONDS
    quiet cmake --build "$build_dir" --target jot_bench_suite jot_bench_collector
    echo " ($((SECONDS - t_build)) s)"
  fi
  [[ -x $suite ]] || { echo "run.sh: no driver at $suite" >&2; exit 1; }

  # --- machine, timer and commit ---------------------------------------------------
  mkdir -p "$results_dir"
  local ncpu commit cxx busy timer
  ncpu=$(nproc 2>/dev/null || echo 1)
  commit=$(git rev-parse --short HEAD 2>/dev/null) || commit=unknown
  if [[ $commit != unknown ]] && ! git diff --quiet HEAD -- . ':(exclude)bench/results' 2>/dev/null; then
    commit+=" (with local changes)"
  fi
  cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)
  timer=$("$suite" --timer 2>/dev/null | grep '^timer: ' || true)
  {
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')$( ((quick)) && echo ' (--quick)')"
    echo "commit: $commit"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //') x $ncpu"
    echo "kernel: $(uname -sr)"
    echo "compiler: $("${cxx:-${CXX:-c++}}" --version 2>/dev/null | head -n1)"
    [[ -z $timer ]] || echo "$timer"
    echo "rounds: $runs (each figure in latest.csv is the median over the rounds)"
    if ((ncpu < 2)); then
      echo "warning: one CPU only: callers and the writer thread share it; figures will not mean much"
    fi
    busy=$(cpu_busy_percent)
    if [[ -n $busy ]] && ((busy > 20)); then
      echo "warning: the CPUs were ${busy}% busy just before the run (other processes): figures will be noisy"
    fi
  } >"$meta"
  echo
  cat "$meta"
  echo

  # --- the suite: one process per combination, the whole plan per round --------------
  echo "run,$header" >"$runs_csv"
  echo "run,$extra_header" >"$extra_runs_csv"
  local round entry scenario threads c label args row_csv row_extra log t0 rc rows extra ct_csv
  row_csv=$(mktemp)
  row_extra=$(mktemp)
  ct_csv=$(mktemp)
  log=$(mktemp)
  for ((round = 1; round <= runs; round++)); do
    for entry in "${plan[@]}"; do
      read -r scenario threads c <<<"$entry"
      args=(--scenario "$scenario" --contender "$c")
      [[ $threads == - ]] || args+=(--threads "$threads")
      label="$scenario, $c"
      [[ $threads == - ]] || label+=", $threads thread$([[ $threads == 1 ]] || echo s)"
      ((runs == 1)) || label="round $round/$runs: $label"
      step "$label: "
      : >"$row_csv"
      : >"$row_extra"
      t0=$EPOCHREALTIME
      rc=0
      timeout -k 10 "$limit" "$suite" "${args[@]}" "${quick_flag[@]}" --csv "$row_csv" \
        --extra-csv "$row_extra" >"$log" 2>&1 || rc=$?
      # The driver appends one row to each (and a header to a new file).
      rows=$(grep -v '^scenario,' "$row_csv" || true)
      extra=$(grep -v '^scenario,' "$row_extra" || true)
      if ((rc == 0)) && [[ $(wc -l <<<"$rows") == 1 && -n $rows ]] &&
        awk -F, -v s="$scenario" -v c="$c" 'NF != 14 || $1 != s || $2 != c { exit 1 }' <<<"$rows"; then
        echo "$round,$rows" >>"$runs_csv"
        [[ -z $extra ]] || echo "$round,$extra" >>"$extra_runs_csv"
        awk -F, -v t0="$t0" -v t1="$EPOCHREALTIME" -v extra="$extra" '{
          if ($5 != "") printf "p50 %s ns, p99.9 %s ns", $5, $8
          else printf "wall %.3f s, CPU %.3f s", $10, $12
          if ($11 != "") printf ", %.0f msgs/s", $11
          if ($14 != "" && $14 > 0) printf ", %s dropped", $14
          # What the CSV has no column for: the producers alone, and when
          # everything was written.
          if (split(extra, x, ",") == 7) {
            printf "; producers %.3f s", x[5]
            if (x[6] != "") printf " (%.0f msgs/s)", x[6]
            printf ", all written %.3f s", x[7]
          }
          printf " (%.1f s)\n", t1 - t0
        }' <<<"$rows"
      elif ((rc == 0)) && grep -q ': not applicable$' "$log"; then
        echo "not applicable"
      else
        if ((rc == 124)); then echo "FAILED: still running after $limit s"
        elif ((rc != 0)); then echo "FAILED: exit status $rc"
        else echo "FAILED: the driver did not append one row with 14 columns for $scenario, $c"; fi
        sed 's/^/    /' "$log" "$row_csv"
        failed+=("[$label]")
      fi
    done

    # --- compile time ------------------------------------------------------------------
    label="compile_time, 2000 log statements with jot and with spdlog; one call with jot and with fmt"
    ((runs == 1)) || label="round $round/$runs: $label"
    step "$label: "
    echo
    : >"$ct_csv"
    # pipefail: the status is the script's.
    if bench/compile_time/compile_time.sh --csv "$ct_csv" --build-dir "$build_dir" 2>&1 |
      sed 's/^/    /'; then
      grep -v '^scenario,' "$ct_csv" | sed "s/^/$round,/" >>"$runs_csv"
    else
      echo "    FAILED"
      failed+=("[$label]")
    fi
  done
  rm -f "$row_csv" "$row_extra" "$ct_csv" "$log"

  # --- collector: records/s to a real rsyslogd over TCP, one round --------------------
  local collector=$build_dir/bench/jot_bench_collector
  if [[ -x $collector ]] && { command -v rsyslogd || [[ -x /usr/sbin/rsyslogd ]]; } >/dev/null; then
    step "collector_tcp, jot and spdlog's tcp_sink to rsyslogd, end to end: "; echo
    if PATH=$PATH:/usr/sbin timeout -k 10 "$limit" "$collector" --records $((quick ? 50000 : 200000)) \
      >"$results_dir/latest.collector.txt" 2>&1; then
      sed 's/^/    /' "$results_dir/latest.collector.txt"
    else
      sed 's/^/    /' "$results_dir/latest.collector.txt"
      echo "    FAILED"
      failed+=("[collector_tcp]")
    fi
  fi

  median_rows "$header" "$runs_csv" "$csv"
  median_rows "$extra_header" "$extra_runs_csv" "$extra_csv"

  # --- report --------------------------------------------------------------------------
  step "report: $results_dir/latest.md and plots"; echo
  echo
  bench/report.sh "$csv"

  echo
  echo "total: $((SECONDS - started)) s$( ((quick)) && echo ' (--quick)'), of which $deps_s s checking or installing packages; results: $csv, everything printed: $txt"
  if ((${#failed[@]})); then
    echo
    echo "*** FAILED: ${failed[*]} (see the errors above) ***"
    return 1
  fi
}

mkdir -p "$results_dir"
main 2>&1 | tee "$txt"
exit "${PIPESTATUS[0]}"
