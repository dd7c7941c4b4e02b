#!/usr/bin/env bash
# The test command: installs and starts what the tests need, runs every test project of the solution, and ends
# with one line `N passed, N failed` summed over all of them. Safe to run again.
set -uo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# What the tests need beyond the .NET SDK gets installed and started here (idempotent scripts under eng/):
# single-node SGE and Slurm daemons for the job executor's grid tests. They need root and apt; without them (a
# laptop) the grid tests report themselves skipped, except under CI=true, where they must run.
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  # tmux: the tool's watch test reads its screen with capture-pane.
  if ! command -v tmux >/dev/null 2>&1; then
    (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null || echo "tmux could not be installed: the watch test will fail"
  fi
  for grid in sge slurm; do
    if ! bash eng/grid/$grid-up.sh; then
      echo "eng/grid/$grid-up.sh failed: the $grid tests will fail under CI and be skipped elsewhere"
    fi
  done
  # Prometheus for the scrape test, which starts a private server of its own.
  if ! bash eng/prometheus/up.sh; then
    echo "eng/prometheus/up.sh failed: the Prometheus scrape test will fail under CI and be skipped elsewhere"
  fi
else
  echo "not root with apt-get: SGE, Slurm and Prometheus are not installed, their tests are skipped"
fi

if ! dotnet build ParallelLint.sln -c Debug -nologo -clp:NoSummary -v:quiet; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0 failed=0 skipped=0
for project in $(dotnet sln ParallelLint.sln list | grep -E '^tests/.*\.Tests\.csproj$'); do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Debug --no-build -nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results"
  trx="$results/$name.trx"
  if [ ! -f "$trx" ]; then
    # The test host crashed before it could report: that is a failure, not a project with no tests.
    echo "$name: no test results (test host crashed?)"
    failed=$((failed + 1))
    continue
  fi

  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  count() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
  skipped=$((skipped + $(count notExecuted)))
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
