#!/bin/bash
# plot.sh DAT PNG: captured rate and loss per scenario, from report.sh's data.
# plot.sh --scaling DAT PNG: the program's cost per packet against N and the
# merge's per record against the CPUs' streams, side by side.
command -v gnuplot >/dev/null || { echo "plot: gnuplot is not installed" >&2; exit 1; }
if [ "$1" = --scaling ]; then
	gnuplot <<GP
set terminal pngcairo size 1100,420 font ",10" noenhanced
set output "$3"
set multiplot layout 1,2 title "xdpsample benchmark: scaling"
set logscale x
set grid
set key top right
set xlabel "N (sample 1 in N)"
set ylabel "ns per packet"
set yrange [0:*]
plot "$2" using 1:2 with linespoints title "xdpsample, ringbuf", \
     "" using 1:(\$2 - \$3) with lines dashtype 2 title "XDP_PASS"
set logscale x 2
set xlabel "CPUs' streams merged"
set ylabel "ns per record"
plot "$2" using 4:5 every ::0::3 with linespoints title "time-order merge"
unset multiplot
GP
	exit
fi
dat=$1 png=$2
gnuplot <<GP
set terminal pngcairo size 1100,520 font ",10" noenhanced
set output "$png"
set title "xdpsample benchmark: rate the link kept, rate into the file, loss"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -35 scale 0
set ylabel "Mpps"
set y2label "lost %"
set y2range [0:100]
set y2tics
set ytics nomirror
set key top right
set grid ytics
plot "$dat" using 2:xtic(1) title "link Mpps" axes x1y1, \
     "" using 3 title "captured Mpps (ceilings: link)" axes x1y1, \
     "" using 4 title "lost %" axes x1y2
GP
