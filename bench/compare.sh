#!/usr/bin/env bash
# Compares the benchmarks of two revisions in one run: builds each
# package's test binary at OLD and at NEW (the work tree when NEW is "."),
# then runs them alternately COUNT times so that both see the same machine,
# and prints benchstat OLD vs NEW. Raw outputs stay in OUT (default
# bench/data/compare).
#
#   bench/compare.sh b7b7315 .            # COUNT=6 by default
#   COUNT=10 BENCHTIME=300ms PKGS="runtime runtime/eval" bench/compare.sh HEAD~3 .
set -euo pipefail
old="${1:?usage: compare.sh OLD NEW}"
new="${2:?usage: compare.sh OLD NEW}"
count="${COUNT:-6}"
benchtime="${BENCHTIME:-1s}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${OUT:-$root/bench/data/compare}"
pkgs="${PKGS:-runtime runtime/eval lang bench}"
# The benchmarks each package runs: BENCHMARKS.md's rows.
# A package not listed runs all of its benchmarks.
declare -A pattern=(
	[runtime]='Decide|Role|Goals1M|Apply|GoalsIncremental|Compile1000|FillFromStruct|MemberFromStruct|StateMemory'
	[runtime/eval]='.'
	[lang]='Parse'
	[bench]='.'
)

tmp="$(mktemp -d)"
# Both checkouts are git worktrees when NEW is a revision: remove both, so
# that none stays registered in the repository.
trap 'for d in "$tmp/old" "$tmp/new"; do git -C "$root" worktree remove --force "$d" >/dev/null 2>&1 || true; done; rm -rf "$tmp"' EXIT
checkout() { # rev dir
	if [ "$1" = . ]; then ln -s "$root" "$2"; else git -C "$root" worktree add -q --detach "$2" "$1"; fi
}
checkout "$old" "$tmp/old"
if [ "$new" = . ]; then new_dir="$root"; else checkout "$new" "$tmp/new"; new_dir="$tmp/new"; fi

mkdir -p "$out"
for side in old new; do
	dir="$tmp/old"; [ "$side" = new ] && dir="$new_dir"
	for p in $pkgs; do
		bin="$tmp/$side-${p//\//_}.test"
		if [ "$p" = bench ]; then
			(cd "$dir/bench" && go test -c -o "$bin" .)
		else
			(cd "$dir" && go test -c -o "$bin" "./$p")
		fi
	done
	: >"$out/$side.txt"
done

for i in $(seq "$count"); do
	for side in old new; do
		dir="$tmp/old"; [ "$side" = new ] && dir="$new_dir"
		for p in $pkgs; do
			bin="$tmp/$side-${p//\//_}.test"
			# Each binary runs in its package's directory, as go test would.
			pdir="$dir/$p"
			cpu=1; [ "$p" = runtime ] && cpu=1,2
			(cd "$pdir" && "$bin" -test.run '^$' -test.bench "${pattern[$p]:-.}" -test.count 1 \
				-test.benchtime "$benchtime" -test.cpu "$cpu" -test.benchmem) >>"$out/$side.txt"
		done
	done
	echo "round $i of $count done" >&2
done

benchstat="$(command -v benchstat || echo "$(go env GOPATH)/bin/benchstat")"
[ -x "$benchstat" ] || go install golang.org/x/perf/cmd/benchstat@latest
"$benchstat" "$out/old.txt" "$out/new.txt" | tee "$out/benchstat.txt"
