#!/bin/bash
# instructions.sh BENCH BIN [N1 N2]: instructions per operation of the Go
# benchmark ^BenchmarkBENCH$ in the test binary BIN (built with go test -c;
# run from the package's directory), counted by callgrind as (Ir at N2 −
# Ir at N1) / (N2 − N1), N1 and N2 20,000 and 120,000 unless given. The
# collector is off (GOGC=off), so the count is the program's own work,
# exact and the same on every run: compare binaries by it on a busy
# machine. Needs valgrind.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 BENCH BIN [N1 N2]" >&2
  exit 2
fi
b=$1 bin=$2 n1=${3:-20000} n2=${4:-120000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for n in "$n1" "$n2"; do
  GOGC=off GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$out/cg.$n" \
    "$bin" -test.run '^$' -test.bench "^Benchmark$b\$" -test.benchtime "${n}x" -test.cpu 1 >/dev/null 2>&1
done
a=$(awk '/^(summary|totals):/ {print $2; exit}' "$out/cg.$n1")
z=$(awk '/^(summary|totals):/ {print $2; exit}' "$out/cg.$n2")
printf "%s %s %.1f\n" "$b" "$bin" "$(echo "($z-$a)/($n2-$n1)" | bc -l)"
