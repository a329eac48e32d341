#!/usr/bin/env bash
# Fuzz every target for the given time each (default 60s), one after the
# other, and print a summary table row per target: its name, the time run,
# the executions reached and whether it found a crasher. A crasher is kept
# under testdata/fuzz/TARGET/ by go test; commit it as a regression test.
#
#   fuzz/run.sh 5m
set -uo pipefail
cd "$(dirname "$0")"
time=${1:-60s}
# The targets here, and lang/syntax's FuzzDescentAgrees, which compares
# two parsers through unexported functions: DIR:TARGET each.
targets="$(grep -ho '^func Fuzz[A-Za-z]*' ./*_test.go | sed 's/^func /.:/' | sort) ../lang/syntax:FuzzDescentAgrees"
status=0
printf '| target | time | executions | result |\n| --- | --- | --- | --- |\n' > run.summary
for dt in $targets; do
  dir=${dt%%:*} t=${dt#*:}
  log=$(mktemp)
  if go test -run "^\$" -fuzz "^${t}\$" -fuzztime "$time" -fuzzminimizetime 5s "$dir" >"$log" 2>&1; then
    result="no crasher"
  else
    result="FAILED: see $dir/testdata/fuzz/$t"
    status=1
  fi
  execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | sed 's/execs: //')
  printf '| %s | %s | %s | %s |\n' "$t" "$time" "${execs:-?}" "$result" | tee -a run.summary
  tail -3 "$log"
  rm -f "$log"
done
cat run.summary
exit $status
