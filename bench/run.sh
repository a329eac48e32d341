#!/usr/bin/env bash
# Reproduces the table of RESULTS.md: the agreement test first (no engine is
# measured unless it gives the reference's answers), then every benchmark
# COUNT times (10 unless set), then benchstat's summary.
#
#   ./run.sh            # or: COUNT=5 ./run.sh
set -euo pipefail
cd "$(dirname "$0")"
count="${COUNT:-10}"

go test -count=1 -run 'TestAgreement|TestCoverage' .
go test -run '^$' -bench . -count "$count" -benchmem | tee results.txt

benchstat="$(command -v benchstat || true)"
if [ -z "$benchstat" ]; then
	go install golang.org/x/perf/cmd/benchstat@latest
	benchstat="$(go env GOPATH)/bin/benchstat"
fi
"$benchstat" results.txt
