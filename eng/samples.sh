#!/usr/bin/env bash
# The main job: ParallelLint's analyzers on the samples (every `// ❌ PLxxxx` line prints its warning), then the
# runtime on its local default: the core report and the seed's two examples measured at 1, 2, 4 and 8 workers, with
# the cost model's prediction, the tuner's pick and the plot (artifacts/demo). Arguments go to the demo, for example
# `--backend sge` or `--backend slurm` to run the workers on a grid (eng/grid/*-up.sh starts a single-node one).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== The analyzers on samples/ParallelLint.Samples"
# --no-incremental: an up-to-date build would skip the compiler and print no warnings.
dotnet build samples/ParallelLint.Samples -c Release --no-incremental -nologo -clp:NoSummary 2>&1 |
  grep -E ': (warning|error) ' | sed -E 's| \[[^]]*\]$||; s|^.*/samples/ParallelLint.Samples/||' | sort -u | sort -t'(' -k1,1 -k2,2n || true

echo
echo "== The runtime: the seed's two examples"
dotnet run --project samples/ParallelLint.Demo -c Release -- "$@"
