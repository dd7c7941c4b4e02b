#!/usr/bin/env bash
# The main job: ParallelLint's analyzers on the samples (every `// ❌ PLxxxx` line prints its warning),
# then the runtime on its local default (the cores it detects and a nested loop measured three ways).
set -euo pipefail
cd "$(dirname "$0")/.."

# --no-incremental: an up-to-date build would skip the compiler and print no warnings.
dotnet build samples/ParallelLint.Samples -c Release --no-incremental -nologo -clp:NoSummary 2>&1 | grep -E 'warning PL|error' | sort -u || true
dotnet run --project samples/ParallelLint.Samples -c Release --no-build
