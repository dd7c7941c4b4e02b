#!/usr/bin/env bash
# The test command: installs and starts what the tests need, runs every test project of the solution, and ends
# with one line `N passed, N failed` summed over all of them. Safe to run again.
set -uo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# What the tests need beyond the .NET SDK gets installed and started here (idempotent scripts under eng/).

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
