# ru.sed -- the words of the figures' labels in Russian: applied by `make'
# to each figures/*.dot to draw the Russian edition's ru/figures/*.svg, so
# that both editions' figures come from one Graphviz source.  Only words
# are translated; the symbols (x, W, labels, Softmax, ReLU, reshape, log)
# are the pages' own.  tests/figures-ru.sh fails on an English word left.
s/\\nimage\\n/\\nизображение\\n/
s/"mean cross-entropy\\nof Softmax"/"средняя перекрёстная\\nэнтропия от Softmax"/
s/"cross-entropy"/"перекрёстная энтропия"/
s/"conv κ=5 p=2"/"свёртка κ=5 p=2"/
s/"max-pool 2×2 "/"max-пулинг 2×2 "/
s/"flatten (16\.7) "/"в вектор (16.7) "/
s/"flatten⁻¹ (16\.8) "/"из вектора (16.8) "/
s/"to each first max "/"к первому максимуму "/
s/"correlation (15\.7), sums"/"корреляция (15.7), суммы"/
s/"full conv, flipped K₁\\n/"полная свёртка с перевёрнутым K₁\\n/
s/"full conv, flipped K₂"/"полная свёртка с перевёрнутым K₂"/
s/\\n(only when asked)"/\\n(только по запросу)"/
