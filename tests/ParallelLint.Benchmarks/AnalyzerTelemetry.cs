using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ParallelLint.Benchmarks;

/// <summary>
/// The analyzers' own execution time, as Roslyn's driver measures it per analyzer (binding excluded), with
/// ParallelLint and NetAnalyzers in the same run over the same generated compilation, at two sizes:
/// <c>dotnet run -c Release --project tests/ParallelLint.Benchmarks -- --telemetry [lines ...]</c> (200k and 400k by default).
/// The time benchmarks (<see cref="AnalyzerBenchmarks"/>) include binding, whose noise hides an analyzer this cheap.
/// Then wall time, CPU time and bytes allocated per analysis, each set alone, in alternating rounds.
/// </summary>
public static class AnalyzerTelemetry
{
    private const int Rounds = 5;

    public static async Task Report(int[] sizes)
    {
        var sets = new (string Name, ImmutableArray<DiagnosticAnalyzer> Analyzers)[]
        {
            ("empty", ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer())),
            ("ParallelLint", AnalyzerBenchmarks.ParallelLintAnalyzers()),
            ("NetAnalyzers", AnalyzerBenchmarks.NetAnalyzerSet()),
        };
        Console.WriteLine($"{"lines",8} {"empty",9} {"ParallelLint",13} {"NetAnalyzers",13} {"PL own",8} {"NA own",8} {"PL/NA",7}");
        double? previous = null;
        foreach (var lines in sizes)
        {
            // Each set alone on a fresh compilation: each pays for the operation trees it asks for, as the empty
            // analyzer does, so "own" = its time minus the empty analyzer's.
            var compilation = AnalyzerBenchmarks.Compile(lines);
            var times = new double[sets.Length];
            for (var i = 0; i < sets.Length; i++)
            {
                var paused = GC.GetTotalPauseDuration();
                var each = await ExecutionSeconds(compilation.Clone(), sets[i].Analyzers);
                times[i] = each.Sum(analyzer => analyzer.Seconds);
                Console.WriteLine($"{lines,8} {sets[i].Name}: GC pauses {(GC.GetTotalPauseDuration() - paused).TotalSeconds:F2}s" +
                    (sets[i].Name == "ParallelLint" ? "; by analyzer: " + string.Join(", ", each.Select(a => $"{a.Name} {a.Seconds:F2}s")) : ""));
            }

            // Wall time, CPU time and allocations as well, each set alone on a fresh compilation, alternating rounds
            // (forwards, then backwards) against drift: the medians. CPU time is what neighbours on a shared machine
            // disturb least.
            var walls = new double[sets.Length][];
            var cpus = new double[sets.Length][];
            var allocated = new double[sets.Length][];
            for (var i = 0; i < sets.Length; i++)
            {
                walls[i] = new double[Rounds];
                cpus[i] = new double[Rounds];
                allocated[i] = new double[Rounds];
            }

            for (var round = 0; round < Rounds; round++)
            {
                for (var k = 0; k < sets.Length; k++)
                {
                    var i = round % 2 == 0 ? k : sets.Length - 1 - k;
                    (walls[i][round], cpus[i][round], var bytes) = await AnalyzerShares.Analyze(compilation, sets[i].Analyzers);
                    allocated[i][round] = bytes / 1e6;
                }
            }

            var median = walls.Select(w => w.OrderBy(t => t).ElementAt(Rounds / 2)).ToArray();
            string Range(int set) => $"{walls[set].Min():F2}-{walls[set].Max():F2}s";
            Console.WriteLine($"{lines,8} wall (median of {Rounds}): empty {median[0]:F2}s [{Range(0)}], ParallelLint {median[1]:F2}s [{Range(1)}] (+{median[1] - median[0]:F2}s), " +
                $"NetAnalyzers {median[2]:F2}s [{Range(2)}] (+{median[2] - median[0]:F2}s): {(median[1] - median[0]) / (median[2] - median[0]):P1}");
            var cpu = cpus.Select(c => c.OrderBy(t => t).ElementAt(Rounds / 2)).ToArray();
            Console.WriteLine($"{lines,8} CPU (median of {Rounds}): empty {cpu[0]:F2}s, ParallelLint {cpu[1]:F2}s (+{cpu[1] - cpu[0]:F2}s), " +
                $"NetAnalyzers {cpu[2]:F2}s (+{cpu[2] - cpu[0]:F2}s): {(cpu[1] - cpu[0]) / (cpu[2] - cpu[0]):P1}");
            var bytesPerAnalysis = allocated.Select(a => a.OrderBy(t => t).ElementAt(Rounds / 2)).ToArray();
            Console.WriteLine($"{lines,8} allocated per analysis (median of {Rounds}): empty {bytesPerAnalysis[0]:F0} MB, ParallelLint {bytesPerAnalysis[1]:F0} MB " +
                $"(+{bytesPerAnalysis[1] - bytesPerAnalysis[0]:F0} MB), NetAnalyzers {bytesPerAnalysis[2]:F0} MB (+{bytesPerAnalysis[2] - bytesPerAnalysis[0]:F0} MB)");

            var ours = times[1] - times[0];
            var theirs = times[2] - times[0];
            Console.WriteLine($"{lines,8} {times[0],8:F2}s {times[1],12:F2}s {times[2],12:F2}s {ours,7:F2}s {theirs,7:F2}s {ours / theirs,7:P1}" +
                (previous is { } before ? $"   ParallelLint own x{ours / before:F2} for x2 code" : ""));
            previous = ours;
        }
    }

    private static async Task<(string Name, double Seconds)[]> ExecutionSeconds(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true);
        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var times = new (string, double)[analyzers.Length];
        for (var i = 0; i < analyzers.Length; i++)
        {
            var name = analyzers[i].SupportedDiagnostics.FirstOrDefault()?.Id ?? analyzers[i].GetType().Name;
            times[i] = (name, (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzers[i], default)).ExecutionTime.TotalSeconds);
        }

        return times;
    }
}
