using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ParallelLint.Benchmarks;

/// <summary>
/// Each ParallelLint analyzer alone against the empty analyzer, in alternating rounds on fresh compilations of one
/// generated code base: <c>dotnet run -c Release --project tests/ParallelLint.Benchmarks -- --shares [lines] [rounds] [set ...]</c>
/// (50k lines and 5 rounds by default; naming sets, e.g. <c>PL2005</c>, runs the empty analyzer and those alone;
/// <c>NetAnalyzers</c> adds the SDK's analyzers; <c>before=path/ParallelLint.Analyzers.dll</c> adds the rules of another
/// build, together and each alone, loaded on their own, to compare two versions in the same rounds).
/// The driver's own accounting (<see cref="AnalyzerTelemetry"/>) charges an analyzer with the garbage collections
/// that happen to run inside its callbacks; wall time and allocations of each analyzer alone do not.
/// </summary>
public static class AnalyzerShares
{
    public static async Task Report(int lines, int rounds, string[] only)
    {
        var all = AnalyzerBenchmarks.ParallelLintAnalyzers();
        var before = only.Where(set => set.StartsWith("before=", StringComparison.Ordinal)).Select(set => Before(set.Substring("before=".Length))).FirstOrDefault();
        var names = only.Where(set => !set.StartsWith("before=", StringComparison.Ordinal)).ToArray();
        var sets = new[] { ("empty", ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer())), ("all twelve", all) }
            .Concat(all.Select(analyzer => (Id(analyzer), ImmutableArray.Create(analyzer))))
            .Concat(before.IsDefault ? Array.Empty<(string, ImmutableArray<DiagnosticAnalyzer>)>() :
                new[] { ("before", before) }.Concat(before.Select(analyzer => ("before " + Id(analyzer), ImmutableArray.Create(analyzer)))))
            .Concat(names.Contains("NetAnalyzers") ? new[] { ("NetAnalyzers", AnalyzerBenchmarks.NetAnalyzerSet()) } : Array.Empty<(string, ImmutableArray<DiagnosticAnalyzer>)>())
            .Where((set, i) => i == 0 || names.Length == 0 || names.Contains(set.Item1) || names.Any(name => set.Item1 == "before " + name) ||
                (set.Item1 == "before" && names.Contains("all twelve")))
            .ToArray();
        var compilation = AnalyzerBenchmarks.Compile(lines);

        // Warm-up: JIT and the referenced assemblies' symbols.
        await Analyze(compilation, sets[0].Item2);
        foreach (var (name, analyzers) in sets.Where(set => set.Item1 is "NetAnalyzers").Append(("ParallelLint", all)).Concat(before.IsDefault ? [] : [("before", before)]))
        {
            var found = (await AnalyzeWithDiagnostics(compilation, analyzers)).Diagnostics;
            Console.WriteLine($"{name} reports {found.Length} diagnostics in {found.Select(d => d.Location.SourceTree).Distinct().Count()} of {compilation.SyntaxTrees.Count()} files: " +
                string.Join(", ", found.GroupBy(d => d.Id).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
        }

        var seconds = new double[sets.Length, rounds];
        var cpu = new double[sets.Length, rounds];
        var bytes = new long[sets.Length, rounds];
        for (var round = 0; round < rounds; round++)
        {
            // Forwards, then backwards: no set always runs right after another.
            for (var k = 0; k < sets.Length; k++)
            {
                var i = round % 2 == 0 ? k : sets.Length - 1 - k;
                (seconds[i, round], cpu[i, round], bytes[i, round]) = await Analyze(compilation, sets[i].Item2);
            }
        }

        // CPU time (every thread of the process, the GC's included) is what neighbours on a shared machine disturb least.
        Console.WriteLine($"{lines} lines, {rounds} rounds; own = median over rounds of (set - empty in the same round)");
        Console.WriteLine($"{"set",-12} {"wall",8} {"own",8} {"cpu",8} {"own",8} {"allocated",10} {"own",10}");
        double Own(double[,] values, int i, bool minusEmpty) => Median(Enumerable.Range(0, rounds).Select(r => values[i, r] - (minusEmpty ? values[0, r] : 0)));
        var allocations = new double[sets.Length, rounds];
        for (var i = 0; i < sets.Length; i++)
        {
            for (var r = 0; r < rounds; r++)
            {
                allocations[i, r] = bytes[i, r] / 1e6;
            }
        }

        for (var i = 0; i < sets.Length; i++)
        {
            Console.WriteLine($"{sets[i].Item1,-12} {Own(seconds, i, false),7:F2}s {Own(seconds, i, true),7:F2}s {Own(cpu, i, false),7:F2}s {Own(cpu, i, true),7:F2}s " +
                $"{Own(allocations, i, false),8:F0}MB {Own(allocations, i, true),8:F1}MB");
        }
    }

    /// <summary>Wall time, CPU time and bytes allocated by one analysis of a fresh copy of <paramref name="compilation"/>.</summary>
    public static async Task<(double Seconds, double CpuSeconds, long Bytes)> Analyze(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var (seconds, cpu, bytes, _) = await AnalyzeWithDiagnostics(compilation, analyzers);
        return (seconds, cpu, bytes);
    }

    /// <summary>Wall time, the process's CPU time, bytes allocated and the diagnostics of one analysis of a fresh copy of <paramref name="compilation"/>.</summary>
    public static async Task<(double Seconds, double CpuSeconds, long Bytes, ImmutableArray<Diagnostic> Diagnostics)> AnalyzeWithDiagnostics(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        // Start from a clean heap: no analysis pays for collecting the garbage of the one before.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var process = Process.GetCurrentProcess();
        var processor = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var diagnostics = await compilation.Clone().WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
        var elapsed = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return (elapsed, (process.TotalProcessorTime - processor).TotalSeconds, GC.GetTotalAllocatedBytes(precise: true) - allocated, diagnostics);
    }

    private static string Id(DiagnosticAnalyzer analyzer) => analyzer.SupportedDiagnostics[0].Id;

    /// <summary>The rules of another build of the analyzers, in a load context of their own (the same assembly name).</summary>
    private static ImmutableArray<DiagnosticAnalyzer> Before(string path)
    {
        var context = new System.Runtime.Loader.AssemblyLoadContext("before");
        return context.LoadFromAssemblyPath(System.IO.Path.GetFullPath(path)).GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
            .ToImmutableArray();
    }

    private static double Median(System.Collections.Generic.IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
