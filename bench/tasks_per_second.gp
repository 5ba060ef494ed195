# Tasks per second against N (log-log), from bench/run.sh's chart data:
#   gnuplot -e "datafile='...'; outfile='...'; runmode='quick'" tasks_per_second.gp
if (!exists("runmode")) runmode = "full"
if (!exists("note")) note = ""
set terminal pngcairo size 1100,560 font "DejaVu Sans,11"
set output outfile
set title sprintf("Tiny tasks: throughput against job size (%s run, 2 workers x 1 core)", runmode)
set xlabel "N tasks in one job"
set ylabel "tasks per second (start-up excluded)"
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xrange [5000:2000000]
set grid xtics ytics mxtics mytics lc rgb "#c8c8c8"
set key outside right top vertical Left reverse spacing 1.5
set datafile missing "?"
set label 1 note at screen 0.01, screen 0.025 left noenhanced font ",9" tc rgb "#555555"
set bmargin 5
plot datafile using 1:2 with linespoints lw 2 pt 7 ps 1.3 lc rgb "#d9480f" title "Ember (local mode)", \
     datafile using 1:2:(sprintf("%.0f", $2)) with labels offset 0,1 tc rgb "#d9480f" notitle, \
     datafile using 1:3:(sprintf("%.0f", $3)) with labels offset 0,1.2 tc rgb "#1c7ed6" notitle, \
     datafile using 1:3 with linespoints lw 2 pt 5 ps 1.3 lc rgb "#1c7ed6" title "Dask (LocalCluster, 2 processes)", \
     datafile using 1:4 with linespoints lw 2 pt 9 ps 1.3 dt 2 lc rgb "#5c940d" title "Dask (in-process, 2 threads)", \
     200000 with lines lw 1 dt 3 lc rgb "#868e96" title "target: 200 000 tasks/s at 1M"
