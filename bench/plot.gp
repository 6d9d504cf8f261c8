# Draws the benchmark's chart from results.csv (bench/run.sh passes csv and out):
# median wall time against hosts for the SSH floor, hostprep and Ansible.
#   gnuplot -e "csv='bench/results/results.csv'; out='bench/results/bench.png'" bench/plot.gp
set terminal png size 960,600
set output out
set datafile separator ','
set title 'Kubespray node pre-stage on netns SSH test hosts (median wall time)'
set xlabel 'hosts'
set ylabel 'seconds (log scale)'
set logscale y
set grid
set key bottom right
set xtics nomirror (10, 50, 100, 200)
set ytics nomirror
plot csv every ::1 using 1:6 with linespoints lw 2 pt 7 title 'Ansible re-run', \
     csv every ::1 using 1:5 with linespoints lw 2 pt 5 title 'Ansible first run', \
     csv every ::1 using 1:3 with linespoints lw 2 pt 9 title 'hostprep first run', \
     csv every ::1 using 1:4 with linespoints lw 2 pt 11 title 'hostprep re-run', \
     csv every ::1 using 1:2 with linespoints lw 2 pt 13 dt 2 title 'SSH floor (ssh true, all hosts at once)'
