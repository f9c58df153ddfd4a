#!/usr/bin/env bash
# Writes the report of a benchmark run from its CSV: a markdown file with
# the summary (the table, target checks and plots the README shows), a
# reading of the figures and a table per scenario, and two PNG plots
# (gnuplot, bench/plot.gp). bench/run.sh calls it; run it again on an
# existing CSV to redo the report.
#
#   bench/report.sh [--readme FILE] [CSV]   default CSV: bench/results/latest.csv
#
# For CSV = DIR/NAME.csv it writes DIR/NAME.md, DIR/NAME.hot_path.png,
# DIR/NAME.throughput.png and DIR/NAME.scaling.png. It reads, when they exist, DIR/NAME.extra.csv
# (what the CSV has no column for: the producer-side time and rate, when
# everything was written) and DIR/NAME.meta.txt (machine, timer, commit,
# rounds; written by run.sh). It prints a short summary and the target
# checks. A failed check is reported, not an error: the exit status is
# non-zero only when the CSV is unusable.
#
#   --readme FILE   also replace the summary in FILE (the README): the lines
#                   between "<!-- bench-summary:begin" and
#                   "<!-- bench-summary:end -->", with links to the results
#                   relative to FILE
#
# Environment:
#   JOT_BENCH_NO_PLOTS=1   skip the plots (they are skipped anyway without gnuplot)
set -euo pipefail
export LC_ALL=C  # decimal points in the figures, whatever the locale

usage() { sed -n '2,24s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
csv='' readme=''
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --readme) readme=${2:?--readme needs a file}; shift 2 ;;
    -*) echo "report.sh: unknown option: $1" >&2; usage >&2; exit 2 ;;
    *) [[ -z $csv ]] || { echo "report.sh: one CSV only" >&2; exit 2; }; csv=$1; shift ;;
  esac
done
csv=${csv:-$here/results/latest.csv}
[[ -r $csv ]] || { echo "report.sh: cannot read $csv" >&2; exit 2; }
if [[ -n $readme ]] && ! grep -q '^<!-- bench-summary:begin' "$readme" 2>/dev/null; then
  echo "report.sh: $readme has no line starting with <!-- bench-summary:begin" >&2
  exit 2
fi

stem=${csv%.csv}
md=$stem.md
meta=$stem.meta.txt
extra=$stem.extra.csv
hot_png=$stem.hot_path.png
tput_png=$stem.throughput.png
scale_png=$stem.scaling.png
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

header=scenario,contender,threads,records,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,wall_s,msgs_per_s,cpu_s,peak_rss_kib,dropped
extra_header=scenario,contender,threads,records,producer_s,producer_msgs_per_s,all_written_s
if [[ $(head -n1 "$csv" | tr -d '\r') != "$header" ]]; then
  echo "report.sh: $csv does not start with the header" >&2
  echo "  $header" >&2
  exit 2
fi
if [[ ! -r $extra ]]; then
  extra=/dev/null
elif [[ $(head -n1 "$extra" | tr -d '\r') != "$extra_header" ]]; then
  echo "report.sh: $extra does not start with its header; not used" >&2
  extra=/dev/null
fi
[[ -r $meta ]] || meta=/dev/null

# Plots first, so that the report links only the ones that were made: the
# hot-path percentiles at one thread and the throughput per contender (end
# to end and producer side), as whitespace-separated tables for plot.gp.
awk -F, -v xfile="$extra" -v hot="$tmp/hot.dat" -v tput="$tmp/tput.dat" -v scale="$tmp/scale.dat" '
  function v(x) { return x == "" ? "NaN" : x }
  FNR == 1 { next }
  FILENAME == xfile { if ($1 == "throughput") prod[$2] = $6; next }
  $1 == "hot_path" && $3 == 1 { h[$2] = v($5) " " v($6) " " v($7) " " v($8); if (!($2 in hs)) { hs[$2]; ho[++nh] = $2 } }
  $1 == "throughput" { t[$2] = v($11); if (!($2 in ts)) { ts[$2]; to[++nt] = $2 } }
  $1 == "scaling" {
    sr[$2, $3] = v($11); sp[$2, $3] = v($8)
    if (!($2 in scs)) { scs[$2]; sco[++nsc] = $2 }
    if (!($3 in sts)) { sts[$3]; sto[++nst] = $3 }
  }
  END {
    # scaling: one row per thread count, then per contender its rate and p99.9.
    if (nsc) {
      printf "threads" > scale
      for (j = 1; j <= nsc; j++) printf " %s %s", sco[j], sco[j] > scale
      printf "\n" > scale
      for (i = 1; i <= nst; i++) {
        printf "%s", sto[i] > scale
        for (j = 1; j <= nsc; j++) printf " %s %s", v(sr[sco[j], sto[i]]), v(sp[sco[j], sto[i]]) > scale
        printf "\n" > scale
      }
    }
    if (nh) { print "contender p50 p90 p99 p99.9" > hot; for (i = 1; i <= nh; i++) print ho[i], h[ho[i]] > hot }
    if (nt) {
      print "contender end_to_end producer_side" > tput
      for (i = 1; i <= nt; i++) print to[i], t[to[i]], v(prod[to[i]]) > tput
    }
  }' "$extra" "$csv"

plots=()
rm -f "$hot_png" "$tput_png" "$scale_png"
if [[ ${JOT_BENCH_NO_PLOTS:-0} == 1 ]]; then
  echo "plots: skipped (JOT_BENCH_NO_PLOTS=1)"
elif ! command -v gnuplot >/dev/null 2>&1; then
  echo "plots: skipped (no gnuplot; install gnuplot-nox)"
elif [[ -s $tmp/hot.dat || -s $tmp/tput.dat || -s $tmp/scale.dat ]]; then
  if gnuplot -e "hot_dat='$tmp/hot.dat'; tput_dat='$tmp/tput.dat'; hot_png='$hot_png'; tput_png='$tput_png'" \
    -e "scale_dat='$tmp/scale.dat'; scale_png='$scale_png'" \
    "$here/plot.gp" 2>"$tmp/gnuplot.log"; then
    [[ -s $hot_png ]] && plots+=("hot_path=$(basename "$hot_png")")
    [[ -s $tput_png ]] && plots+=("throughput=$(basename "$tput_png")")
    [[ -s $scale_png ]] && plots+=("scaling=$(basename "$scale_png")")
  else
    echo "plots: gnuplot failed:" >&2
    cat "$tmp/gnuplot.log" >&2
  fi
fi

# The report. Columns of the CSV: 1 scenario, 2 contender, 3 threads,
# 4 records, 5 p50_ns, 6 p90_ns, 7 p99_ns, 8 p999_ns, 9 max_ns, 10 wall_s,
# 11 msgs_per_s, 12 cpu_s, 13 peak_rss_kib, 14 dropped; of the extra CSV:
# 5 producer_s, 6 producer_msgs_per_s, 7 all_written_s (kept as columns
# 15, 16 and 17). When a combination appears more than once, the checks and
# the reading use its last row. The summary goes to summary.md with @RES@
# where the path of the results directory goes.
awk -F, -v md="$md" -v meta="$meta" -v xfile="$extra" -v csv_name="$(basename "$csv")" \
  -v stem_name="$(basename "$stem")" -v plots="${plots[*]}" -v summary="$tmp/summary.md" '
  function ns(x) { return x == "" ? "-" : (x + 0 < 100 ? sprintf("%.1f", x) : sprintf("%.0f", x)) }
  # Thousands separators, for counts and nanoseconds in prose and tables.
  function num(x,   s, r) {
    s = sprintf("%.0f", x); r = ""
    while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
    return s r
  }
  function rate(x) {
    if (x == "") return "-"
    if (x + 0 >= 1e6) return sprintf("%.2f M", x / 1e6)
    if (x + 0 >= 1e3) return sprintf("%.1f k", x / 1e3)
    return sprintf("%.0f", x)
  }
  function sec(x) { return x == "" ? "-" : (x + 0 < 10 ? sprintf("%.3f", x) : sprintf("%.2f", x)) }
  function mib(x) { return x == "" ? "-" : sprintf("%.1f", x / 1024) }
  # A latency in the unit that suits it.
  function dur(x) {
    if (x == "") return "-"
    if (x + 0 < 1e3) return ns(x) " ns"
    if (x + 0 < 1e6) return sprintf("%.1f µs", x / 1e3)
    return sprintf("%.2f ms", x / 1e6)
  }
  function cell(c, x) {
    if (c >= 5 && c <= 9) return ns(x)
    if (c == 10 || c == 12 || c == 15 || c == 17) return sec(x)
    if (c == 11 || c == 16) return rate(x)
    if (c == 13) return mib(x)
    return x == "" ? "-" : x
  }
  function ratio(a, b) { return b + 0 > 0 ? sprintf(a / b < 1 ? "%.3f" : a / b < 10 ? "%.2f" : "%.1f", a / b) : "n/a" }
  # The value of column col for a scenario, contender and thread count (t
  # "": whatever the thread count); "" when there is none.
  function get(s, c, t, col) { return (t == "" ? last[s, c, col] : val[s, c, t, col]) }
  function has(s, c, t, col) { return get(s, c, t, col) != "" }
  function check(ok, text) {
    checks[++nc] = (ok ? "PASS" : "FAIL") "  " text
    if (!ok) nfail++
  }
  function skip(text) { checks[++nc] = "SKIP  " text " (no data)" }
  function say(text) { reading[++nr] = "- " text }
  function out(text) { sum = sum text "\n" }
  function plural(n, word) { return n " " word (n == 1 ? "" : "s") }

  # One row of the summary table: for each contender, the figures of the
  # listed columns joined by " / ", each figure in bold where it is the
  # best of its row (lower is better unless the column is in `higher`).
  function summary_row(label, s, t, cols, higher,   nk, k, i, j, c, best, v, text, parts, h, any) {
    nk = split(cols, k, " ")
    split(higher, h, " ")
    for (i in hb) delete hb[i]
    for (i in h) hb[h[i]]
    for (j = 1; j <= nk; j++) {
      best[j] = ""
      for (i = 1; i <= ncon; i++) {
        c = con[i]
        v = get(s, c, t, k[j])
        if (v == "") continue
        if (best[j] == "" || (k[j] in hb ? v + 0 > get(s, best[j], t, k[j]) + 0 : v + 0 < get(s, best[j], t, k[j]) + 0)) best[j] = c
      }
    }
    text = "| " label " |"
    for (i = 1; i <= ncon; i++) {
      c = con[i]
      parts = ""
      any = 0
      for (j = 1; j <= nk; j++) {
        v = get(s, c, t, k[j])
        if (v == "") v = "-"
        else {
          any = 1
          v = k[j] >= 5 && k[j] <= 9 ? num(v) : cell(k[j], v)
          if (best[j] == c && ncount(s, t, k[j]) > 1) v = "**" v "**"
        }
        parts = parts (j > 1 ? " / " : "") v
      }
      text = text " " (any ? parts : "") " |"
    }
    out(text)
  }
  # How many contenders have column col for (s, t).
  function ncount(s, t, col,   i, n) {
    n = 0
    for (i = 1; i <= ncon; i++) if (has(s, con[i], t, col)) n++
    return n
  }
  # "won", "lost" or "tied" for a against b, lower is better.
  function outcome(a, b) { return a + 0 < b + 0 ? "won" : a + 0 > b + 0 ? "lost" : "tied" }

  BEGIN {
    # What each scenario does is documented in bench/suite.cc.
    title["hot_path"] = "Hot path: the time of one log call on the caller, in ns (the timer is included), in bursts of 20 calls with a 2-2.2 ms sleep after each, with 1, 2 or 4 threads logging"
    title["throughput"] = "Throughput: one thread logs as fast as it can, until every record is in the file (wall s, msgs/s); producers s and producer msgs/s: the logging loop alone"
    title["slow_sink"] = "Slow sink: the application does 2 µs of work per record and logs it; every write of a record to the file takes 1 µs. wall s: the application'"'"'s own loop; all written s: until the file had everything. Latencies: the log call on the caller"
    title["batch_job"] = "Batch job: work items split over 2 threads, each hashing 1 KiB and logging 3 records; wall s and CPU s of the whole job, until its records are in the file"
    title["overload_block"] = "Overload, block: one thread logs a burst far larger than the queue (jot: a 64 KiB ring; spdlog: 1,170 slots, as many records), to a sink that takes 1 µs a record; the caller waits for room"
    title["overload_drop"] = "Overload, drop: the same burst; a record that finds the queue full is dropped (spdlog: overrun_oldest drops the oldest queued one)"
    title["overload_grow"] = "Overload, grow (jot only): the same burst; the ring doubles when full, up to 256 MiB"
    title["scaling"] = "Scaling: 1 to 16 threads each log as fast as they can, blocking when the queue is full; msgs/s end to end (until every record is in the file), latencies of every call (histogram, within 3%)"
    title["compile_time"] = "Compile time: a file of 2,000 distinct log statements, compiled with the Release build'"'"'s flags (records = statements)"
    title["compile_time_one_call"] = "Compile time of one log call: a file with jot/jot.h and one JOT_INFO (jot_async) against one with fmt/core.h and one fmt::format (fmt_format), at -O0, in the same run"
    split("hot_path throughput slow_sink batch_job overload_block overload_drop overload_grow compile_time", known, " ")
    for (i = 1; i <= 8; i++) { sorder[i] = known[i]; sknown[known[i]] }
    ns_order = 8
    ncon = split("jot_async jot_async_eager jot_sync spdlog_async spdlog_sync fmt_fwrite jot_rotating jot_rotating_gzip", con, " ")
    split("contender,threads,records,p50 ns,p90 ns,p99 ns,p99.9 ns,max ns,wall s,msgs/s,CPU s,peak RSS MiB,dropped,producers s,producer msgs/s,all written s", head, ",")

    # The machine, from run.sh: the cores ("cpu: NAME x N"), the timer
    # ("timer: ... step X ns (N ticks); ... plain rdtsc reads Y ns ...").
    while ((getline line < meta) > 0) {
      metal[++nm] = line
      if (line ~ /^cpu: / && match(line, / x [0-9]+$/)) cores = substr(line, RSTART + 3) + 0
      if (line ~ /^timer: /) {
        timer_line = substr(line, 8)
        if (match(line, /step [0-9.]+ ns/)) step = substr(line, RSTART + 5, RLENGTH - 8) + 0
        if (match(line, /plain rdtsc reads [0-9.]+ ns/)) tcost = substr(line, RSTART + 18, RLENGTH - 21) + 0
      }
      if (line ~ /^date: / && line ~ /--quick/) quick = 1
      if (line ~ /^rounds: /) rounds = substr(line, 9) + 0
      if (line ~ /^date: /) run_date = substr(line, 7)
      if (line ~ /^commit: /) run_commit = substr(line, 9)
      if (line ~ /^cpu: /) run_cpu = substr(line, 6)
      if (line ~ /^compiler: /) run_cxx = substr(line, 11)
      if (line ~ /^warning: /) warn[++nwarn] = substr(line, 10)
    }
  }
  FNR == 1 { next }
  FILENAME == xfile {
    if (NF == 7) for (col = 5; col <= 7; col++) { xval[$1, $2, $3, col + 10] = $col; xlast[$1, $2, col + 10] = $col }
    next
  }
  NF != 14 { printf "report.sh: line %d has %d columns, not 14; skipped\n", FNR, NF > "/dev/stderr"; next }
  {
    s = $1; c = $2; t = $3
    rows[s, ++n[s]] = $0
    if (!(s in sknown)) { sknown[s]; sorder[++ns_order] = s }
    if (!((s, c) in seen)) { seen[s, c]; corder[s, ++ncont[s]] = c }
    for (col = 3; col <= 14; col++) {
      if ($col != "") used[s, col] = 1
      val[s, c, t, col] = $col
      last[s, c, col] = $col
    }
    for (col = 15; col <= 17; col++) {
      x = xval[s, c, t, col]
      if (x != "") used[s, col] = 1
      val[s, c, t, col] = x
      last[s, c, col] = x
    }
  }
  END {
    # --- target checks ---------------------------------------------------
    if (has("hot_path", "jot_async", 1, 5)) {
      p = get("hot_path", "jot_async", 1, 5)
      check(p + 0 <= 20, sprintf("hot_path, 1 thread: jot_async p50 %s ns <= 20 ns (timer included)", ns(p)))
    } else skip("hot_path, 1 thread: jot_async p50 <= 20 ns")
    for (k = 5; k <= 8; k += 3) {
      label = (k == 5 ? "p50" : "p99.9")
      if (has("hot_path", "jot_async", 1, k) && has("hot_path", "spdlog_async", 1, k)) {
        a = get("hot_path", "jot_async", 1, k); b = get("hot_path", "spdlog_async", 1, k)
        check(a * 10 <= b, sprintf("hot_path, 1 thread: jot_async %s %s ns <= 1/10 of spdlog_async %s ns (ratio %s)", label, ns(a), ns(b), ratio(a, b)))
      } else skip("hot_path, 1 thread: jot_async " label " <= 1/10 of spdlog_async")
    }
    if (has("throughput", "jot_async", "", 11) && has("throughput", "spdlog_async", "", 11)) {
      a = get("throughput", "jot_async", "", 11); b = get("throughput", "spdlog_async", "", 11)
      check(a + 0 >= b + 0, sprintf("throughput: jot_async %s/s >= spdlog_async %s/s (ratio %s)", rate(a), rate(b), ratio(a, b)))
    } else skip("throughput: jot_async >= spdlog_async")
    if (has("throughput", "jot_async", "", 11) && has("throughput", "fmt_fwrite", "", 11)) {
      a = get("throughput", "jot_async", "", 11); b = get("throughput", "fmt_fwrite", "", 11)
      check(a >= 0.8 * b, sprintf("throughput: jot_async %s/s >= 0.8 x fmt_fwrite %s/s (ratio %s)", rate(a), rate(b), ratio(a, b)))
    } else skip("throughput: jot_async >= 0.8 x fmt_fwrite")
    if (has("throughput", "jot_rotating", "", 11) && has("throughput", "jot_async", "", 11)) {
      a = get("throughput", "jot_rotating", "", 11); b = get("throughput", "jot_async", "", 11)
      check(a >= 0.9 * b, sprintf("throughput: jot_rotating (1 MiB files) %s/s >= 0.9 x jot_async %s/s (ratio %s)", rate(a), rate(b), ratio(a, b)))
    } else skip("throughput: jot_rotating >= 0.9 x jot_async")
    # The binary log against the text file sink (jot_async), one thread.
    if (has("throughput", "jot_binary", "", 11) && has("throughput", "jot_async", "", 11)) {
      a = get("throughput", "jot_binary", "", 11); b = get("throughput", "jot_async", "", 11)
      check(a >= 4 * b, sprintf("throughput: jot_binary %s/s >= 4 x jot_async (text file) %s/s (ratio %s)", rate(a), rate(b), ratio(a, b)))
    } else skip("throughput: jot_binary >= 4 x jot_async")
    if (has("decode", "jot_binary", "", 11) && has("throughput", "jot_async", "", 11)) {
      a = get("decode", "jot_binary", "", 11); b = get("throughput", "jot_async", "", 11)
      check(a + 0 >= b + 0, sprintf("decode: jot-cat %s/s >= jot_async (text file) writing %s/s (ratio %s)", rate(a), rate(b), ratio(a, b)))
    } else skip("decode: jot-cat >= jot_async writing")
    if (has("batch_job", "jot_async", "", 12) && has("batch_job", "jot_sync", "", 12)) {
      a = get("batch_job", "jot_async", "", 12); b = get("batch_job", "jot_sync", "", 12)
      check(a <= 1.15 * b, sprintf("batch_job: jot_async CPU %s s <= 1.15 x jot_sync CPU %s s (ratio %s)", sec(a), sec(b), ratio(a, b)))
    } else skip("batch_job: jot_async CPU <= 1.15 x jot_sync CPU")
    if (has("compile_time", "jot_async", "", 10) && has("compile_time", "spdlog_sync", "", 10)) {
      a = get("compile_time", "jot_async", "", 10); b = get("compile_time", "spdlog_sync", "", 10)
      check(a + 0 <= b + 0, sprintf("compile_time: jot %s s <= spdlog %s s wall (ratio %s)", sec(a), sec(b), ratio(a, b)))
    } else skip("compile_time: jot wall <= spdlog wall")
    # Scaling on this machine: 16 blocked producer threads keep at least
    # 0.8 of the end-to-end rate of one thread, and the p99.9 of a call stays within
    # 20 us under that saturation.
    if (has("scaling", "jot_async", 1, 11) && has("scaling", "jot_async", 16, 11)) {
      a = get("scaling", "jot_async", 16, 11); b = get("scaling", "jot_async", 1, 11)
      check(a >= 0.8 * b, sprintf("scaling: jot_async 16 threads %s/s >= 0.8 x 1 thread %s/s (ratio %s)", rate(a), rate(b), ratio(a, b)))
    } else skip("scaling: jot_async 16 threads >= 0.8 x 1 thread")
    if (has("scaling", "jot_async", 16, 8)) {
      p = get("scaling", "jot_async", 16, 8)
      check(p + 0 <= 20000, sprintf("scaling: jot_async 16 threads, p99.9 of a call %s <= 20 µs", dur(p)))
    } else skip("scaling: jot_async 16 threads, p99.9 of a call <= 20 µs")
    if (has("compile_time_one_call", "jot_async", "", 12) && has("compile_time_one_call", "fmt_format", "", 12)) {
      a = get("compile_time_one_call", "jot_async", "", 12); b = get("compile_time_one_call", "fmt_format", "", 12)
      check(a <= 1.28 * b, sprintf("compile_time_one_call: jot CPU %s s <= 1.28 x fmt CPU %s s at -O0 (ratio %s)", sec(a), sec(b), ratio(a, b)))
    } else skip("compile_time_one_call: jot CPU <= 1.28 x fmt CPU")

    # --- batch job: every synchronous contender against the asynchronous ones
    npair = split("jot_sync:jot_async jot_sync:jot_async_eager spdlog_sync:spdlog_async fmt_fwrite:jot_async fmt_fwrite:jot_async_eager fmt_fwrite:spdlog_async", pair, " ")
    nwins = 0
    for (i = 1; i <= npair; i++) {
      split(pair[i], ab, ":")
      sa = ab[1]; as = ab[2]
      if (!has("batch_job", sa, "", 10) || !has("batch_job", as, "", 10) || !has("batch_job", sa, "", 12) || !has("batch_job", as, "", 12)) continue
      sw = get("batch_job", sa, "", 10); aw = get("batch_job", as, "", 10)
      sc = get("batch_job", sa, "", 12); ac = get("batch_job", as, "", 12)
      ow = outcome(sw, aw); oc = outcome(sc, ac)
      if (ow == oc) verdict = (ow == "won" ? "**sync won** on wall and CPU" : ow == "lost" ? "async won on wall and CPU" : "tied")
      else verdict = (ow == "won" ? "**sync won on wall**" : ow == "lost" ? "async won on wall" : "tied on wall") ", " \
                     (oc == "won" ? "**sync won on CPU**" : oc == "lost" ? "async won on CPU" : "tied on CPU")
      np++
      prow[np] = sprintf("| %s against %s | %s vs %s (%sx) | %s vs %s (%sx) | %s |", sa, as, sec(sw), sec(aw), ratio(sw, aw), sec(sc), sec(ac), ratio(sc, ac), verdict)
      if (ow == "won" || oc == "won") {
        what = (ow == "won" && oc == "won" ? "on wall time and CPU" : ow == "won" ? "on wall time" : "on CPU")
        wins[++nwins] = sprintf("%s beat %s %s", sa, as, what)
        breading[np] = sprintf("Batch job: %s beat %s %s (wall %s s against %s s, CPU %s s against %s s): here synchronous logging won.", sa, as, what, sec(sw), sec(aw), sec(sc), sec(ac))
      } else {
        breading[np] = sprintf("Batch job: %s did not beat %s (wall %s s against %s s, CPU %s s against %s s).", sa, as, sec(sw), sec(aw), sec(sc), sec(ac))
      }
    }

    # --- a plain reading of the figures ------------------------------------
    if (step > 0)
      say(sprintf("Timer: %s. Every latency is a multiple of the %s ns step: the timer itself costs one step, and a call that reads the TSC itself (jot stamps each record with it) costs at least one more, so 20 ns is two steps, the least such a call can measure.", timer_line, step))
    if (ncont["hot_path"]) {
      best = ""
      for (i = 1; i <= ncont["hot_path"]; i++) {
        c = corder["hot_path", i]
        if (has("hot_path", c, 1, 5) && (best == "" || get("hot_path", c, 1, 5) + 0 < get("hot_path", best, 1, 5) + 0)) best = c
      }
      if (best != "") say(sprintf("Hot path, 1 thread: the fastest median call was %s, %s ns (timer included).", best, ns(get("hot_path", best, 1, 5))))
      if (has("hot_path", "jot_async", 1, 5) && has("hot_path", "spdlog_async", 1, 5))
        say(sprintf("jot_async took %s at the median and %s at p99.9; spdlog_async %s and %s: jot_async is %s and %s times faster.",
          dur(get("hot_path", "jot_async", 1, 5)), dur(get("hot_path", "jot_async", 1, 8)),
          dur(get("hot_path", "spdlog_async", 1, 5)), dur(get("hot_path", "spdlog_async", 1, 8)),
          ratio(get("hot_path", "spdlog_async", 1, 5), get("hot_path", "jot_async", 1, 5)),
          ratio(get("hot_path", "spdlog_async", 1, 8), get("hot_path", "jot_async", 1, 8))))
      say("Every burst starts after a 2 ms sleep, when the back end has gone idle and the caller'"'"'s caches have cooled: the p90 and beyond include calls that find cold caches, or (spdlog async) a worker that has to be woken.")
      for (t = 2; t <= 4; t += 2) {
        if (!has("hot_path", "jot_async", t, 8)) continue
        text = sprintf("Hot path, %d threads", t)
        if (cores > 0 && t > cores) text = text sprintf(" on this machine'"'"'s %d cores: more producer threads than cores (a real case on a small machine, measured as is), and the back end shares the cores with them, so a thread can lose its core in the middle of a call", cores)
        else if (cores > 0 && t + 1 > cores) text = text sprintf(" on this machine'"'"'s %d cores: the producers and the back end share the cores", cores)
        text = text sprintf(". p50 / p99.9: jot_async %s / %s, spdlog_async %s / %s, spdlog_sync %s / %s.", dur(get("hot_path", "jot_async", t, 5)), dur(get("hot_path", "jot_async", t, 8)),
          dur(get("hot_path", "spdlog_async", t, 5)), dur(get("hot_path", "spdlog_async", t, 8)),
          dur(get("hot_path", "spdlog_sync", t, 5)), dur(get("hot_path", "spdlog_sync", t, 8)))
        say(text)
      }
    }
    if (ncont["throughput"]) {
      text = ""
      for (i = 1; i <= ncont["throughput"]; i++) { c = corder["throughput", i]; o[i] = c }
      for (i = 2; i <= ncont["throughput"]; i++) {  # by end-to-end rate, highest first
        x = o[i]
        for (j = i - 1; j >= 1 && get("throughput", o[j], "", 11) + 0 < get("throughput", x, "", 11) + 0; j--) o[j + 1] = o[j]
        o[j + 1] = x
      }
      for (i = 1; i <= ncont["throughput"]; i++) {
        c = o[i]
        text = text (i > 1 ? ", " : "") sprintf("%s %s/s", c, rate(get("throughput", c, "", 11)))
        if (has("throughput", c, "", 16)) text = text sprintf(" (producer side %s/s)", rate(get("throughput", c, "", 16)))
      }
      say("Throughput, end to end, fastest first: " text ".")
      if (has("throughput", "jot_async", "", 11)) {
        text = sprintf("jot_async wrote %s/s", rate(get("throughput", "jot_async", "", 11)))
        if (has("throughput", "spdlog_async", "", 11)) text = text sprintf(", %s times spdlog_async", ratio(get("throughput", "jot_async", "", 11), get("throughput", "spdlog_async", "", 11)))
        if (has("throughput", "fmt_fwrite", "", 11)) text = text sprintf(" and %s times fmt_fwrite (formatting and fwrite on the caller, no logger)", ratio(get("throughput", "jot_async", "", 11), get("throughput", "fmt_fwrite", "", 11)))
        say(text ".")
      }
    }
    if (ncont["slow_sink"]) {
      text = ""
      for (i = 1; i <= ncont["slow_sink"]; i++) {
        c = corder["slow_sink", i]
        if (!has("slow_sink", c, "", 10)) continue
        work = get("slow_sink", c, "", 4) * 2e-6
        text = text (text == "" ? "" : ", ") sprintf("%s %s s (+%.0f%%", c, sec(get("slow_sink", c, "", 10)), 100 * (get("slow_sink", c, "", 10) / work - 1))
        if (has("slow_sink", c, "", 17)) text = text sprintf("; all written after %s s", sec(get("slow_sink", c, "", 17)))
        text = text ")"
      }
      if (text != "") say(sprintf("Slow sink: the work alone takes %s s (%s records x 2 µs); the application took %s. A synchronous logger adds each slow write to the application'"'"'s time; an asynchronous one leaves it to its back end, which keeps up when a write (1 µs) and the rendering cost less than the work per record: then everything is written soon after the loop ends.",
        sec(work), num(get("slow_sink", corder["slow_sink", 1], "", 4)), text))
    }
    for (i = 1; i <= np; i++) say(breading[i])
    if (nwins == 0 && np > 0) say("Batch job: synchronous logging did not win any pair in this run.")
    for (mi = 1; mi <= 3; mi++) {
      mode = (mi == 1 ? "block" : mi == 2 ? "drop" : "grow")
      s = "overload_" mode
      for (i = 1; i <= ncont[s]; i++) {
        c = corder[s, i]
        text = sprintf("Overload, %s, %s: the burst took %s s on the caller (p99.9 call %s, slowest %s), everything was written after %s s; %s of %s records lost; peak RSS %s MiB.",
          mode, c, sec(get(s, c, "", 10)), dur(get(s, c, "", 8)), dur(get(s, c, "", 9)), sec(get(s, c, "", 17)),
          num(get(s, c, "", 14)), num(get(s, c, "", 4)), mib(get(s, c, "", 13)))
        say(text)
      }
    }
    if (has("compile_time", "jot_async", "", 10) && has("compile_time", "spdlog_sync", "", 10))
      say(sprintf("Compile time: %s statements took %s s with jot (CPU %s s) and %s s with spdlog (CPU %s s): jot took %s times as long as spdlog.",
        num(get("compile_time", "jot_async", "", 4)), sec(get("compile_time", "jot_async", "", 10)), sec(get("compile_time", "jot_async", "", 12)),
        sec(get("compile_time", "spdlog_sync", "", 10)), sec(get("compile_time", "spdlog_sync", "", 12)),
        ratio(get("compile_time", "jot_async", "", 10), get("compile_time", "spdlog_sync", "", 10))))

    # --- the summary (the README shows it) ---------------------------------
    src = "@FROM@"
    if (run_date != "") src = src sprintf(": %s, commit %s, %s cores (%s), %s", run_date, run_commit, (cores > 0 ? cores : "?"), run_cpu, run_cxx)
    out(src ".")
    for (i = 1; i <= nwarn; i++) out("Warning: " warn[i] ".")
    if (rounds > 1) out(sprintf("Each figure is the median of %d rounds%s.", rounds, quick ? " of the quick run (smaller counts than the full run)" : ""))
    else if (rounds == 1) out(sprintf("Each figure is from one round%s.", quick ? " of the quick run (smaller counts than the full run, so the tails are less certain)" : ""))
    if (step > 0) out(sprintf("Latencies: plain `rdtsc` around each call, the timer'"'"'s own %s ns included; the TSC here advances in %s ns steps, so every latency is a multiple of %s ns, and 20 ns is two steps (the timer'"'"'s and one for the TSC read inside a call that stamps its record).", tcost, step, step))
    out("")
    text = "| scenario |"; rule = "|---|"
    for (i = 1; i <= ncon; i++) { text = text " " con[i] " |"; rule = rule "---:|" }
    out(text); out(rule)
    for (t = 1; t <= 4; t *= 2) {
      if (!ncount("hot_path", t, 5)) continue
      label = sprintf("hot path, %s", plural(t, "thread"))
      if (cores > 0 && t > cores) label = label sprintf(" (more threads than the %d cores)", cores)
      else if (cores > 0 && t > 1 && t + 1 > cores) label = label sprintf(" (producers and back end share the %d cores)", cores)
      summary_row(label ": p50 / p99.9 per call (ns)", "hot_path", t, "5 8", "")
    }
    if (ncount("throughput", 1, 11))
      summary_row(sprintf("throughput, %s records, 1 thread: end to end%s (records/s)", num(get("throughput", "jot_async", "", 4)), ncount("throughput", 1, 16) ? " / producer side" : ""),
        "throughput", 1, ncount("throughput", 1, 16) ? "11 16" : "11", "11 16")
    if (ncount("slow_sink", 1, 10))
      summary_row(sprintf("slow sink (1 µs a write), %s records after 2 µs of work each (%s s of work alone): the application%ss time%s (s)", num(get("slow_sink", "jot_async", "", 4)), sec(get("slow_sink", "jot_async", "", 4) * 2e-6), "\047", ncount("slow_sink", 1, 17) ? " / all written" : ""),
        "slow_sink", 1, ncount("slow_sink", 1, 17) ? "10 17" : "10", "")
    if (ncount("batch_job", 2, 10))
      summary_row(sprintf("batch job, 2 threads, %s items: wall / CPU (s)", num(get("batch_job", "jot_async", "", 4) / 3)), "batch_job", 2, "10 12", "")
    if (ncount("compile_time", "", 10))
      summary_row(sprintf("compile time, %s log statements (s)", num(get("compile_time", "jot_async", "", 4))), "compile_time", "", "10", "")
    out("")
    if (np) {
      out("| batch job: synchronous against asynchronous | wall s, sync vs async | CPU s, sync vs async | result |")
      out("|---|---:|---:|---|")
      for (i = 1; i <= np; i++) out(prow[i])
      out("")
      if (nwins) {
        text = ""
        for (i = 1; i <= nwins; i++) text = text (i == 1 ? "" : "; ") wins[i]
        out("Synchronous logging won in the batch job: " text ".")
      } else out("Synchronous logging won no pair in the batch job in this run.")
      out("")
    }
    nover = 0
    for (mi = 1; mi <= 3; mi++) for (i = 1; i <= ncon; i++) if (has("overload_" (mi == 1 ? "block" : mi == 2 ? "drop" : "grow"), con[i], "", 10)) nover++
    if (nover) {
      out(sprintf("| overload: 1 thread logs %s records into a 64 KiB ring (jot) or 1,170 slots (spdlog), sink 1 µs a record | burst on the caller (s) | p99.9 call | slowest call | all written (s) | lost | peak RSS (MiB) |", num(get("overload_block", "jot_async", "", 4))))
      out("|---|---:|---:|---:|---:|---:|---:|")
      for (mi = 1; mi <= 3; mi++) {
        mode = (mi == 1 ? "block" : mi == 2 ? "drop" : "grow")
        s = "overload_" mode
        for (i = 1; i <= ncon; i++) {
          c = con[i]
          if (!has(s, c, "", 10)) continue
          out(sprintf("| %s, %s | %s | %s | %s | %s | %s | %s |", mode, c, sec(get(s, c, "", 10)), dur(get(s, c, "", 8)), dur(get(s, c, "", 9)),
            sec(get(s, c, "", 17)), num(get(s, c, "", 14)), mib(get(s, c, "", 13))))
        }
      }
      out("")
    }
    out("Target checks (ratios within this run):")
    out("")
    out("```")
    for (i = 1; i <= nc; i++) out(checks[i])
    out("```")
    np2 = split(plots, pl, " ")
    for (i = 1; i <= np2; i++) {
      split(pl[i], kv, "=")
      out("")
      out(sprintf("![%s](@RES@%s)", (kv[1] == "hot_path" ? "hot path latency percentiles at 1 thread" : kv[1] == "scaling" ? "end-to-end rate and p99.9 of a call against producer threads" : "throughput per contender"), kv[2]))
    }
    printf "%s", sum > summary

    # --- the markdown report -------------------------------------------------
    print "# jot benchmark results\n" > md
    for (i = 1; i <= nm; i++) print "- " metal[i] > md
    if (nm) print "" > md
    printf "Raw figures: [%s](%s), per scenario, contender and thread count, the median of each column over the rounds; every round in %s.runs.csv, and what the CSV has no column for in %s.extra.csv.\n\n", csv_name, csv_name, stem_name, stem_name > md
    print "## Summary\n" > md
    s2 = sum
    gsub(/@RES@/, "", s2)
    sub(/@FROM@/, "This run", s2)
    printf "%s\n", s2 > md
    if (nr) {
      print "## Reading\n" > md
      for (i = 1; i <= nr; i++) print reading[i] > md
      print "" > md
    }
    for (si = 1; si <= ns_order; si++) {
      s = sorder[si]
      if (!n[s]) continue
      printf "## %s\n\n%s.\n\n|", s, (s in title ? title[s] : s) > md
      for (col = 2; col <= 17; col++) if (col == 2 || used[s, col]) printf " %s |", head[col - 1] > md
      printf "\n|" > md
      for (col = 2; col <= 17; col++) if (col == 2 || used[s, col]) printf (col == 2 ? " :-- |" : " --: |") > md
      printf "\n" > md
      for (r = 1; r <= n[s]; r++) {
        split(rows[s, r], f, ",")
        f[15] = xval[s, f[2], f[3], 15]; f[16] = xval[s, f[2], f[3], 16]; f[17] = xval[s, f[2], f[3], 17]
        printf "|" > md
        for (col = 2; col <= 17; col++) if (col == 2 || used[s, col]) printf " %s |", cell(col, f[col]) > md
        printf "\n" > md
      }
      printf "\n" > md
    }

    # --- the terminal summary ------------------------------------------------
    printf "%-15s %-16s %3s %9s %9s %11s %9s %9s %8s\n", "scenario", "contender", "thr", "p50 ns", "p99.9 ns", "msgs/s", "wall s", "CPU s", "dropped"
    for (si = 1; si <= ns_order; si++) {
      s = sorder[si]
      for (r = 1; r <= n[s]; r++) {
        split(rows[s, r], f, ",")
        printf "%-15s %-16s %3s %9s %9s %11s %9s %9s %8s\n", s, f[2], cell(3, f[3]), ns(f[5]), ns(f[8]), rate(f[11]), sec(f[10]), sec(f[12]), cell(14, f[14])
      }
    }
    if (np) {
      printf "\nbatch job, synchronous against asynchronous:\n"
      for (i = 1; i <= np; i++) {
        t = prow[i]
        gsub(/\*\*/, "", t); gsub(/^\| | \|$/, "", t); gsub(/ \| /, "; ", t)
        print "  " t
      }
    }
    printf "\ntarget checks (%d failed):\n", nfail
    for (i = 1; i <= nc; i++) print "  " checks[i]
  }' "$extra" "$csv"

if [[ -n $readme ]]; then
  results_rel=$(realpath --relative-to="$(dirname "$readme")" "$(dirname "$csv")")
  sed -e "s|@RES@|$results_rel/|g" \
    -e "s|@FROM@|From [$results_rel/$(basename "$md")]($results_rel/$(basename "$md"))|" \
    "$tmp/summary.md" >"$tmp/readme_block.md"
  awk -v block="$tmp/readme_block.md" '
    /^<!-- bench-summary:begin/ { print; while ((getline line < block) > 0) print line; skipping = 1; next }
    /^<!-- bench-summary:end -->/ { skipping = 0 }
    !skipping' "$readme" >"$tmp/readme.new"
  if ! grep -q '^<!-- bench-summary:end -->' "$tmp/readme.new"; then
    echo "report.sh: $readme has no <!-- bench-summary:end --> line; left unchanged" >&2
    exit 2
  fi
  cat "$tmp/readme.new" >"$readme"
  echo "summary written into $readme"
fi

echo
echo "report: $md"
for p in "${plots[@]}"; do echo "plot:   $(dirname "$md")/${p#*=}"; done
