# The plots of a benchmark run, from the tables bench/report.sh extracts
# from the CSV:
#
#   gnuplot -e "hot_dat='hot.dat'; tput_dat='tput.dat'; hot_png='a.png'; tput_png='b.png'" bench/plot.gp
#
# hot_dat:  contender p50 p90 p99 p99.9   (hot_path at 1 thread, ns)
# tput_dat: contender end_to_end producer_side   (throughput, records/s;
#           NaN where the producer-side rate is unknown)
# scale_dat: threads, then per contender: rate (records/s end to end) and
#           p99.9 of a call (ns); the scaling scenario (scale_dat and
#           scale_png may be left unset)
# A plot whose table is missing or empty is not drawn.

set terminal pngcairo size 960,540 font "sans,11" noenhanced
set datafile missing "NaN"
set style data histograms
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top left
set xtics nomirror
set ytics nomirror

nonempty(f) = strlen(f) > 0 && system("test -s '" . f . "' && echo 1 || echo 0") eq "1"

if (nonempty(hot_dat)) {
  set output hot_png
  set title "hot_path, 1 thread: one log call on the caller, in bursts of 20 after a 2 ms sleep (rdtsc included)"
  set ylabel "ns (log scale)"
  set logscale y
  # Boxes start at 1 ns, the bottom of the log axis.
  set yrange [1:*]
  set style histogram clustered gap 1
  plot for [col = 2:5] hot_dat using col:xtic(1) title columnheader(col)
  unset logscale y
  set yrange [*:*]
  unset output
}

if (nonempty(tput_dat)) {
  set output tput_png
  set title "throughput: 1 thread logs records to a file; end to end (until all is written) and producer side"
  set ylabel "million records/s"
  set yrange [0:*]
  set style histogram clustered gap 1
  set key top right
  set offsets 0, 0, graph 0.1, 0
  # Two bars a cluster with a gap of one: they are centred 1/6 left and
  # right of the cluster's x. Every part reads the first line as the
  # header (autotitle columnheader), so that the labels line up with the
  # bars.
  set key autotitle columnheader
  plot tput_dat using ($2 / 1e6):xtic(1) title "end to end" lc rgb "#4477aa", \
       '' using ($3 / 1e6) title "producer side" lc rgb "#bbccee", \
       '' using ($0 - 1.0 / 6):($2 / 1e6):(sprintf("%.2f", $2 / 1e6)) notitle with labels offset 0,0.8 font ",9", \
       '' using ($0 + 1.0 / 6):($3 / 1e6):(sprintf("%.2f", $3 / 1e6)) notitle with labels offset 0,0.8 font ",9"
  set key noautotitle
  unset output
}

if (exists("scale_dat") && nonempty(scale_dat)) {
  set output scale_png
  set multiplot layout 1,2 title "scaling: N threads log as fast as they can, blocking when the queue is full"
  set style data linespoints
  set xlabel "producer threads"
  set logscale x 2
  set xtics (1, 2, 4, 8, 16)
  set xrange [0.8:20]
  set key bottom left autotitle columnheader
  set title "end to end"
  set ylabel "million records/s"
  set yrange [0:*]
  ncols = int(system("head -n1 '" . scale_dat . "' | wc -w"))
  plot for [col = 2:ncols:2] scale_dat using 1:(column(col) / 1e6) lw 2
  set title "p99.9 of one call"
  set ylabel "ns (log scale)"
  set logscale y
  set yrange [*:*]
  plot for [col = 3:ncols:2] scale_dat using 1:col lw 2
  unset multiplot
  unset logscale
  unset output
}
