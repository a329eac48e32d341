#!/bin/bash
# taskclock.sh BENCH N1 N2 ROUNDS BIN...: CPU ns per operation of the Go
# benchmark ^BenchmarkBENCH$ in each test binary BIN (built with go test -c;
# run from the package's directory), as the process's task-clock at N2
# iterations less that at N1, over N2 − N1; the binaries alternate, round
# after round, so that each sees the same machine. Take the medians. The
# task-clock counts the collector's threads too, which a benchmark's ns/op
# (wall time) does not. Needs perf (Debian's linux-perf).
set -euo pipefail
if [ $# -lt 5 ]; then
  echo "usage: $0 BENCH N1 N2 ROUNDS BIN..." >&2
  exit 2
fi
b=$1 n1=$2 n2=$3 rounds=$4
shift 4
ms() { perf stat -x, -e task-clock "$1" -test.run '^$' -test.bench "^Benchmark$b\$" -test.benchtime "${2}x" -test.cpu 1 2>&1 >/dev/null | cut -d, -f1; }
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    a=$(ms "$bin" "$n1")
    z=$(ms "$bin" "$n2")
    printf "%s %.1f  " "$bin" "$(echo "($z-$a)*1000000/($n2-$n1)" | bc -l)"
  done
  echo
done
