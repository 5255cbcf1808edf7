# curves.gp -- written by backprop train --plot; run: gnuplot curves.gp
set datafile separator ','
set terminal png size 1000,420
set output 'curves.png'
set multiplot layout 1,2 title 'backprop train: one-layer classifier 784 -> 10'
set xlabel 'epoch'
set xtics 1
set grid
set ylabel 'mean cross-entropy'
plot 'curves.csv' skip 1 using 1:2 with linespoints title 'training loss', \
     '' skip 1 using 1:3 with linespoints title 'validation loss'
set ylabel 'validation accuracy (%)'
plot 'curves.csv' skip 1 using 1:($4*100) with linespoints title 'validation accuracy'
unset multiplot
