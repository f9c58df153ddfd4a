#!/usr/bin/env bash
# Writes the report of a benchmark run from its CSV: a markdown file with a
# table per scenario, a reading of the figures and the target checks, and
# two PNG plots (gnuplot, bench/plot.gp). bench/run.sh calls it; run it
# again on an existing CSV to redo the report.
#
#   bench/report.sh [CSV]      default CSV: bench/results/latest.csv
#
# For CSV = DIR/NAME.csv it writes DIR/NAME.md, DIR/NAME.hot_path.png and
# DIR/NAME.throughput.png, and takes the machine and commit lines for the
# report from DIR/NAME.meta.txt (written by run.sh) when it exists. It
# prints a short summary and the target checks. A failed check is reported,
# not an error: the exit status is non-zero only when the CSV is unusable.
#
# Environment:
#   JOT_BENCH_NO_PLOTS=1   skip the plots (they are skipped anyway without gnuplot)
set -euo pipefail
export LC_ALL=C  # decimal points in the figures, whatever the locale

usage() { sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
csv=''
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    -*) echo "report.sh: unknown option: $arg" >&2; usage >&2; exit 2 ;;
    *) [[ -z $csv ]] || { echo "report.sh: one CSV only" >&2; exit 2; }; csv=$arg ;;
  esac
done
csv=${csv:-$here/results/latest.csv}
[[ -r $csv ]] || { echo "report.sh: cannot read $csv" >&2; exit 2; }

stem=${csv%.csv}
md=$stem.md
meta=$stem.meta.txt
hot_png=$stem.hot_path.png
tput_png=$stem.throughput.png
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

header=scenario,contender,threads,records,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,wall_s,msgs_per_s,cpu_s,peak_rss_kib,dropped
if [[ $(head -n1 "$csv" | tr -d '\r') != "$header" ]]; then
  echo "report.sh: $csv does not start with the header" >&2
  echo "  $header" >&2
  exit 2
fi

# Plots first, so that the report links only the ones that were made: the
# hot-path percentiles at one thread and the throughput per contender, as
# whitespace-separated tables for plot.gp.
awk -F, -v hot="$tmp/hot.dat" -v tput="$tmp/tput.dat" '
  function v(x) { return x == "" ? "NaN" : x }
  NR == 1 { next }
  $1 == "hot_path" && $3 == 1 { h[$2] = v($5) " " v($6) " " v($7) " " v($8); if (!($2 in hs)) { hs[$2]; ho[++nh] = $2 } }
  $1 == "throughput" { t[$2] = v($11); if (!($2 in ts)) { ts[$2]; to[++nt] = $2 } }
  END {
    if (nh) { print "contender p50 p90 p99 p99.9" > hot; for (i = 1; i <= nh; i++) print ho[i], h[ho[i]] > hot }
    if (nt) { print "contender records/s" > tput; for (i = 1; i <= nt; i++) print to[i], t[to[i]] > tput }
  }' "$csv"

plots=()
rm -f "$hot_png" "$tput_png"
if [[ ${JOT_BENCH_NO_PLOTS:-0} == 1 ]]; then
  echo "plots: skipped (JOT_BENCH_NO_PLOTS=1)"
elif ! command -v gnuplot >/dev/null 2>&1; then
  echo "plots: skipped (no gnuplot; install gnuplot-nox)"
elif [[ -s $tmp/hot.dat || -s $tmp/tput.dat ]]; then
  if gnuplot -e "hot_dat='$tmp/hot.dat'; tput_dat='$tmp/tput.dat'; hot_png='$hot_png'; tput_png='$tput_png'" \
    "$here/plot.gp" 2>"$tmp/gnuplot.log"; then
    [[ -s $hot_png ]] && plots+=("hot_path=$(basename "$hot_png")")
    [[ -s $tput_png ]] && plots+=("throughput=$(basename "$tput_png")")
  else
    echo "plots: gnuplot failed:" >&2
    cat "$tmp/gnuplot.log" >&2
  fi
fi

# The report. Columns: 1 scenario, 2 contender, 3 threads, 4 records,
# 5 p50_ns, 6 p90_ns, 7 p99_ns, 8 p999_ns, 9 max_ns, 10 wall_s,
# 11 msgs_per_s, 12 cpu_s, 13 peak_rss_kib, 14 dropped. When a combination
# appears more than once, the checks and the reading use its last row.
awk -F, -v md="$md" -v meta="$meta" -v csv_name="$(basename "$csv")" -v plots="${plots[*]}" \
  -v cores="$(nproc 2>/dev/null || echo 0)" '
  function ns(x) { return x == "" ? "-" : (x + 0 < 100 ? sprintf("%.1f", x) : sprintf("%.0f", x)) }
  function rate(x) {
    if (x == "") return "-"
    if (x + 0 >= 1e6) return sprintf("%.2f M", x / 1e6)
    if (x + 0 >= 1e3) return sprintf("%.1f k", x / 1e3)
    return sprintf("%.0f", x)
  }
  function sec(x) { return x == "" ? "-" : (x + 0 < 10 ? sprintf("%.3f", x) : sprintf("%.2f", x)) }
  function mib(x) { return x == "" ? "-" : sprintf("%.1f", x / 1024) }
  function cell(c, x) {
    if (c >= 5 && c <= 9) return ns(x)
    if (c == 10 || c == 12) return sec(x)
    if (c == 11) return rate(x)
    if (c == 13) return mib(x)
    return x == "" ? "-" : x
  }
  # The last value of column c for a scenario, contender and (when t is not
  # "") thread count; "" when there is none.
  function get(s, c, t, col) { return (t == "" ? last[s, c, col] : val[s, c, t, col]) }
  function has(s, c, t, col) { return get(s, c, t, col) != "" }
  function ratio(a, b) { return b + 0 > 0 ? sprintf(a / b < 1 ? "%.3f" : a / b < 10 ? "%.2f" : "%.1f", a / b) : "n/a" }
  # A latency in the unit that suits it, for the reading.
  function dur(x) {
    if (x == "") return "-"
    if (x + 0 < 1e3) return ns(x) " ns"
    if (x + 0 < 1e6) return sprintf("%.1f us", x / 1e3)
    return sprintf("%.2f ms", x / 1e6)
  }
  function check(ok, text) {
    checks[++nc] = (ok ? "PASS" : "FAIL") "  " text
    if (!ok) nfail++
  }
  function skip(text) { checks[++nc] = "SKIP  " text " (no data)" }
  function say(text) { reading[++nr] = "- " text }

  BEGIN {
    # What each scenario does is documented in bench/suite.cc.
    title["hot_path"] = "Hot path: the time of one log call on the caller, in ns (the timer is included), with 1, 2 or 4 threads logging"
    title["throughput"] = "Throughput: one thread logs as fast as it can, until every record is in the file"
    title["slow_sink"] = "Slow sink: every write to the file is slow; the latencies are those of the log call on the caller"
    title["batch_job"] = "Batch job: work items split over the threads, each logging records; the whole job, wall time and CPU"
    title["overload_block"] = "Overload, backpressure block: a burst far larger than the ring, to a slow sink"
    title["overload_drop"] = "Overload, backpressure drop: a burst far larger than the ring, to a slow sink"
    title["overload_grow"] = "Overload, backpressure grow: a burst far larger than the ring, to a slow sink"
    title["compile_time"] = "Compile time: a file of distinct log statements at -O2 (records = statements)"
    split("hot_path throughput slow_sink batch_job overload_block overload_drop overload_grow compile_time", known, " ")
    for (i = 1; i <= 8; i++) { sorder[i] = known[i]; sknown[known[i]] }
    ns_order = 8
    split("contender,threads,records,p50 ns,p90 ns,p99 ns,p99.9 ns,max ns,wall s,msgs/s,CPU s,peak RSS MiB,dropped", head, ",")
  }
  NR == 1 { next }
  NF != 14 { printf "report.sh: line %d has %d columns, not 14; skipped\n", NR, NF > "/dev/stderr"; next }
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
    if (has("batch_job", "jot_async", "", 12) && has("batch_job", "jot_sync", "", 12)) {
      a = get("batch_job", "jot_async", "", 12); b = get("batch_job", "jot_sync", "", 12)
      check(a <= 1.15 * b, sprintf("batch_job: jot_async CPU %s s <= 1.15 x jot_sync CPU %s s (ratio %s)", sec(a), sec(b), ratio(a, b)))
    } else skip("batch_job: jot_async CPU <= 1.15 x jot_sync CPU")
    if (has("compile_time", "jot_async", "", 10) && has("compile_time", "spdlog_sync", "", 10)) {
      a = get("compile_time", "jot_async", "", 10); b = get("compile_time", "spdlog_sync", "", 10)
      check(a + 0 <= b + 0, sprintf("compile_time: jot %s s <= spdlog %s s wall (ratio %s)", sec(a), sec(b), ratio(a, b)))
    } else skip("compile_time: jot wall <= spdlog wall")

    # --- a plain reading of the figures ------------------------------------
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
      if (has("hot_path", "jot_async", 1, 5) && (has("hot_path", "jot_async", 2, 5) || has("hot_path", "jot_async", 4, 5))) {
        text = sprintf("jot_async median by thread count: %s ns at 1", ns(get("hot_path", "jot_async", 1, 5)))
        if (has("hot_path", "jot_async", 2, 5)) text = text sprintf(", %s ns at 2", ns(get("hot_path", "jot_async", 2, 5)))
        if (has("hot_path", "jot_async", 4, 5)) text = text sprintf(", %s ns at 4", ns(get("hot_path", "jot_async", 4, 5)))
        say(text ".")
      }
      if (cores + 0 > 0 && cores + 0 < 4 && has("hot_path", "jot_async", 4, 8) && has("hot_path", "spdlog_async", 4, 8))
        say(sprintf("With 4 threads on this machine'"'"'s %d cores the producers outnumber the cores (and the back end needs one too): a thread can lose its core in the middle of a call, which shows in the tails. p99.9 at 4 threads: jot_async %s, spdlog_async %s, spdlog_sync %s.",
          cores, dur(get("hot_path", "jot_async", 4, 8)), dur(get("hot_path", "spdlog_async", 4, 8)),
          has("hot_path", "spdlog_sync", 4, 8) ? dur(get("hot_path", "spdlog_sync", 4, 8)) : "-"))
    }
    if (ncont["throughput"]) {
      best = ""
      for (i = 1; i <= ncont["throughput"]; i++) {
        c = corder["throughput", i]
        if (has("throughput", c, "", 11) && (best == "" || get("throughput", c, "", 11) + 0 > get("throughput", best, "", 11) + 0)) best = c
      }
      if (best != "") say(sprintf("Throughput: the most records per second came from %s, %s/s.", best, rate(get("throughput", best, "", 11))))
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
        if (has("slow_sink", c, "", 7)) text = text (text == "" ? "" : ", ") sprintf("%s %s", c, dur(get("slow_sink", c, "", 7)))
      }
      if (text != "") say("Slow sink, p99 of a call on the caller: " text ".")
      for (i = 1; i <= ncont["slow_sink"]; i++) {
        c = corder["slow_sink", i]
        if (get("slow_sink", c, "", 14) > 0) say(sprintf("Slow sink: %s dropped %d records.", c, get("slow_sink", c, "", 14)))
      }
    }
    if (has("batch_job", "jot_async", "", 10) && has("batch_job", "jot_sync", "", 10)) {
      aw = get("batch_job", "jot_async", "", 10); sw = get("batch_job", "jot_sync", "", 10)
      ac = get("batch_job", "jot_async", "", 12); sc = get("batch_job", "jot_sync", "", 12)
      say(sprintf("Batch job: jot_sync %s jot_async on wall time (%s s against %s s) and %s it on CPU (%s s against %s s).",
        (sw + 0 < aw + 0 ? "beat" : "did not beat"), sec(sw), sec(aw),
        (sc == "" || ac == "" ? "cannot be compared with" : (sc + 0 < ac + 0 ? "beat" : "did not beat")), sec(sc), sec(ac)))
    }
    if (has("overload_block", "jot_async", "", 9))
      say(sprintf("Overload, block: the slowest call waited %s (p99.9 %s); nothing is dropped in this mode (dropped: %s).",
        dur(get("overload_block", "jot_async", "", 9)), dur(get("overload_block", "jot_async", "", 8)), cell(14, get("overload_block", "jot_async", "", 14))))
    if (has("overload_drop", "jot_async", "", 14))
      say(sprintf("Overload, drop: %s of %s records dropped; the slowest call took %s.",
        get("overload_drop", "jot_async", "", 14), cell(4, get("overload_drop", "jot_async", "", 4)), dur(get("overload_drop", "jot_async", "", 9))))
    if (has("overload_grow", "jot_async", "", 13))
      say(sprintf("Overload, grow: peak RSS %s MiB (block: %s MiB), slowest call %s.",
        mib(get("overload_grow", "jot_async", "", 13)), mib(get("overload_block", "jot_async", "", 13)), dur(get("overload_grow", "jot_async", "", 9))))
    if (has("compile_time", "jot_async", "", 10) && has("compile_time", "spdlog_sync", "", 10))
      say(sprintf("Compile time: %s statements took %s s with jot (CPU %s s) and %s s with spdlog (CPU %s s): jot took %s times as long as spdlog.",
        get("compile_time", "jot_async", "", 4), sec(get("compile_time", "jot_async", "", 10)), sec(get("compile_time", "jot_async", "", 12)),
        sec(get("compile_time", "spdlog_sync", "", 10)), sec(get("compile_time", "spdlog_sync", "", 12)),
        ratio(get("compile_time", "jot_async", "", 10), get("compile_time", "spdlog_sync", "", 10))))

    # --- the markdown report -------------------------------------------------
    print "# jot benchmark results\n" > md
    if ((getline line < meta) > 0) {
      do { print "- " line > md } while ((getline line < meta) > 0)
      print "" > md
    }
    printf "Raw figures: [%s](%s), one row per scenario, contender and thread count, each from its own process.\n\n", csv_name, csv_name > md
    print "## Target checks\n\n```" > md
    for (i = 1; i <= nc; i++) print checks[i] > md
    print "```\n" > md
    if (nr) {
      print "## Reading\n" > md
      for (i = 1; i <= nr; i++) print reading[i] > md
      print "" > md
    }
    np = split(plots, pl, " ")
    for (i = 1; i <= np; i++) {
      split(pl[i], kv, "=")
      printf "![%s](%s)\n\n", (kv[1] == "hot_path" ? "hot path latency percentiles at 1 thread" : "throughput per contender"), kv[2] > md
    }
    for (si = 1; si <= ns_order; si++) {
      s = sorder[si]
      if (!n[s]) continue
      printf "## %s\n\n%s.\n\n|", s, (s in title ? title[s] : s) > md
      for (col = 2; col <= 14; col++) if (col == 2 || used[s, col]) printf " %s |", head[col - 1] > md
      printf "\n|" > md
      for (col = 2; col <= 14; col++) if (col == 2 || used[s, col]) printf (col == 2 ? " :-- |" : " --: |") > md
      printf "\n" > md
      for (r = 1; r <= n[s]; r++) {
        split(rows[s, r], f, ",")
        printf "|" > md
        for (col = 2; col <= 14; col++) if (col == 2 || used[s, col]) printf " %s |", cell(col, f[col]) > md
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
    printf "\ntarget checks (%d failed):\n", nfail
    for (i = 1; i <= nc; i++) print "  " checks[i]
  }' "$csv"

echo
echo "report: $md"
for p in "${plots[@]}"; do echo "plot:   $(dirname "$md")/${p#*=}"; done
