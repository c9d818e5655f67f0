#!/bin/bash
# plot.sh DAT PNG: captured rate and loss per scenario, from report.sh's data.
dat=$1 png=$2
command -v gnuplot >/dev/null || { echo "plot: gnuplot is not installed" >&2; exit 1; }
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
