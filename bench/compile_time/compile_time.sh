#!/usr/bin/env bash
# Compile-time benchmark: how long a translation unit with 2,000 distinct
# log statements takes to compile, with jot and with spdlog; and how long a
# file with one log call takes at -O0, with jot (jot/jot.h and one
# JOT_INFO) and with fmt alone (fmt/core.h and one fmt::format), measured
# in the same run so that their ratio holds on a loaded machine.
#
#   bench/compile_time/compile_time.sh --csv FILE [--build-dir DIR] [--repeat N]
#
# Writes one such file per library (generate.awk), compiles each (-c) with
# the project's compiler and the flags of its Release build (CMAKE_CXX_FLAGS
# and CMAKE_CXX_FLAGS_RELEASE from the build's CMakeCache.txt; -O3 -DNDEBUG
# when there is none), and appends one row per library to FILE:
# scenario compile_time, contender jot_async (jot's API is the same for
# every delivery mode) or spdlog_sync, records = statements, wall_s and
# cpu_s (user + system) from the fastest of N compiles; the other columns
# stay empty. The one-call files add scenario compile_time_one_call,
# contenders jot_async and fmt_format, records = 1, compiled with
# -std=c++20 -O0 -c only. The header is written only when FILE is new or
# empty.
#
# Options:
#   --csv FILE         where to append the rows (required)
#   --build-dir DIR    a configured jot build: its compiler is used and the
#                      generated files go to DIR/bench/compile_time
#                      (default: build/bench-release, configured or not)
#   --repeat N         compiles per library; the fastest counts (default 1)
#   --statements N     log statements per file (default 2000)
#
# The compiler is CMAKE_CXX_COMPILER from DIR/CMakeCache.txt, else $CXX,
# else c++. jot's headers need nothing generated (the version is in
# include/jot/version.h), so only include/ and fmt's include directory are
# passed; spdlog comes from the system include path, compiled as its
# package's CMake target is (compiled library, external fmt). The
# optimisation level is the Release build's so that the figure is what a
# user's Release build pays per file of log statements.
set -euo pipefail
export LC_ALL=C  # decimal points in the figures, whatever the locale

usage() { sed -n '2,36s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
csv='' build_dir=build/bench-release repeat=1 statements=2000
while (($#)); do
  case "$1" in
    --csv) csv=${2:?--csv needs a file}; shift 2 ;;
    --build-dir) build_dir=${2:?--build-dir needs a directory}; shift 2 ;;
    --repeat) repeat=${2:?--repeat needs a number}; shift 2 ;;
    --statements) statements=${2:?--statements needs a number}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "compile_time.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ -n $csv ]] || { echo "compile_time.sh: --csv FILE is required" >&2; exit 2; }
[[ $repeat =~ ^[1-9][0-9]*$ && $statements =~ ^[0-9]+$ ]] ||
  { echo "compile_time.sh: --repeat and --statements take whole numbers" >&2; exit 2; }
[[ $build_dir == /* ]] || build_dir=$root/$build_dir

cxx='' cxx_flags='' release_flags='-O3 -DNDEBUG'
if [[ -f $build_dir/CMakeCache.txt ]]; then
  cache() { sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt"; }
  cxx=$(cache CMAKE_CXX_COMPILER)
  cxx_flags=$(cache CMAKE_CXX_FLAGS)
  if grep -q '^CMAKE_CXX_FLAGS_RELEASE:' "$build_dir/CMakeCache.txt"; then
    release_flags=$(cache CMAKE_CXX_FLAGS_RELEASE)
  fi
fi
cxx=${cxx:-${CXX:-c++}}

# fmt's include directory, from the fmt package CMake found (fmt_DIR is
# <prefix>/lib/<arch>/cmake/fmt or <prefix>/lib/cmake/fmt); nothing when
# fmt is on the default include path.
fmt_include=()
if [[ -f $build_dir/CMakeCache.txt ]]; then
  fmt_dir=$(sed -n 's/^fmt_DIR:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
  for up in ../../../include ../../include; do
    if [[ -n $fmt_dir && -f $fmt_dir/$up/fmt/core.h ]]; then
      inc=$(cd "$fmt_dir/$up" && pwd)
      [[ $inc == /usr/include ]] || fmt_include=(-isystem "$inc")
      break
    fi
  done
fi

work=$build_dir/bench/compile_time
mkdir -p "$work"
# Word splitting of the flags is wanted: they are lists of options.
# shellcheck disable=SC2206
common=(-std=c++20 $cxx_flags $release_flags -c)

# Prints "wall cpu" in seconds for the fastest of $repeat compiles of $1.
time_compile() {
  local src=$1 obj=${1%.cc}.o log=${1%.cc}.log tfile=${1%.cc}.time best='' t
  shift
  for ((r = 0; r < repeat; r++)); do
    local TIMEFORMAT='%R %U %S'
    if ! { time "$cxx" "${common[@]}" "$@" "$src" -o "$obj" >"$log" 2>&1; } 2>"$tfile"; then
      cat "$log" >&2
      echo "compile_time.sh: failed to compile $src" >&2
      return 1
    fi
    t=$(awk '{ printf "%.3f %.3f", $1, $2 + $3 }' "$tfile")
    if [[ -z $best ]] || awk -v a="${t%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
      best=$t
    fi
  done
  echo "$best"
}

header=scenario,contender,threads,records,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,wall_s,msgs_per_s,cpu_s,peak_rss_kib,dropped
[[ -s $csv ]] || echo "$header" >"$csv"

for lib in jot spdlog; do
  src=$work/${lib}_statements.cc
  awk -v lib="$lib" -v statements="$statements" -f "$here/generate.awk" >"$src"
  if [[ $lib == jot ]]; then
    contender=jot_async
    flags=(-I "$root/include" "${fmt_include[@]}")
  else
    contender=spdlog_sync
    flags=(-DSPDLOG_SHARED_LIB -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL "${fmt_include[@]}")
  fi
  read -r wall cpu < <(time_compile "$src" "${flags[@]}")
  [[ -n ${wall:-} ]] || exit 1
  echo "compile_time,$contender,,$statements,,,,,,$wall,,$cpu,," >>"$csv"
  echo "$lib: $statements statements in ${wall} s wall, ${cpu} s CPU ($(basename "$cxx") ${common[*]}, fastest of $repeat)"
done

# One call at -O0: what a file that logs once costs to include jot, against
# fmt alone. Only -O0 and the include directories: the figure is the
# headers' parsing and instantiation, which the goal compares with fmt's.
common=(-std=c++20 -O0 -c)
one_jot=$work/jot_one_call.cc one_fmt=$work/fmt_one_call.cc
cat >"$one_jot" <<'EOF'
#include <jot/jot.h>

void log_once(jot::logger& log, int n) { JOT_INFO(log, "processed {} items", n); }
EOF
cat >"$one_fmt" <<'EOF'
#include <fmt/core.h>

#include <string>

std::string format_once(int n) { return fmt::format("processed {} items", n); }
EOF
read -r jot_wall jot_cpu < <(time_compile "$one_jot" -I "$root/include" "${fmt_include[@]}")
read -r fmt_wall fmt_cpu < <(time_compile "$one_fmt" "${fmt_include[@]}")
[[ -n ${jot_cpu:-} && -n ${fmt_cpu:-} ]] || exit 1
echo "compile_time_one_call,jot_async,,1,,,,,,$jot_wall,,$jot_cpu,," >>"$csv"
echo "compile_time_one_call,fmt_format,,1,,,,,,$fmt_wall,,$fmt_cpu,," >>"$csv"
ratio=$(awk -v a="$jot_cpu" -v b="$fmt_cpu" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
echo "one call at -O0: jot/jot.h ${jot_cpu} s CPU, fmt/core.h ${fmt_cpu} s CPU:" \
  "ratio ${ratio} (goal: at most 1.28), fastest of $repeat"
