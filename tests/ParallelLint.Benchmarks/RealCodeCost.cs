using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ParallelLint.Benchmarks;

/// <summary>
/// What the rules cost on a real repository's compilation, beside two analyzer packages users run
/// (<c>--real folder --cost name,name</c>, see <see cref="RealCode"/>):
/// the callback time Roslyn's driver measures per analyzer with ParallelLint, NetAnalyzers and AsyncFixer in one run
/// (binding excluded), and the wall time of a whole pass with each set alone on a fresh copy of the compilation, in
/// alternating rounds (forwards, then backwards) against drift: the medians.
/// </summary>
internal sealed class RealCodeCost
{
    private const int Rounds = 3;

    private readonly (string Name, ImmutableArray<DiagnosticAnalyzer> Analyzers)[] alone =
    [
        ("empty", ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer())),
        ("ParallelLint", AnalyzerBenchmarks.ParallelLintAnalyzers()),
        ("AsyncFixer", AnalyzerBenchmarks.AsyncFixerSet()),
    ];

    private readonly ImmutableArray<DiagnosticAnalyzer> netAnalyzers = AnalyzerBenchmarks.NetAnalyzerSet();
    private readonly double[] callbackTotals = new double[3];
    private readonly double[] passTotals = new double[3];

    public static string Header =>
        $"{"folder",-34} {"lines",8} | callbacks: {"ParallelLint",12} {"NetAnalyzers",12} {"AsyncFixer",10} {"PL/NA",6} | pass: {"empty",7} {"ParallelLint",12} {"AsyncFixer",10} {"PL/AF",6}";

    public async Task<string> MeasureAsync(string name, int lines, Compilation compilation)
    {
        // Callback time, all three together as a build runs them.
        var sets = new[] { alone[1].Analyzers, netAnalyzers, alone[2].Analyzers };
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true);
        var together = compilation.Clone().WithAnalyzers(sets.SelectMany(set => set).ToImmutableArray(), options);
        await together.GetAnalyzerDiagnosticsAsync();
        var callbacks = new double[sets.Length];
        var ours = new List<(string Rule, double Seconds)>();
        for (var i = 0; i < sets.Length; i++)
        {
            foreach (var analyzer in sets[i])
            {
                var seconds = (await together.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None)).ExecutionTime.TotalSeconds;
                callbacks[i] += seconds;
                if (i == 0)
                {
                    ours.Add((string.Join("/", analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct()), seconds));
                }
            }
        }

        // A whole pass, each set alone: binding included, as a user waits for it.
        var walls = alone.Select(_ => new double[Rounds]).ToArray();
        for (var round = 0; round < Rounds; round++)
        {
            for (var k = 0; k < alone.Length; k++)
            {
                var i = round % 2 == 0 ? k : alone.Length - 1 - k;
                walls[i][round] = (await AnalyzerShares.Analyze(compilation, alone[i].Analyzers)).Seconds;
            }
        }

        var pass = walls.Select(times => times.Order().ElementAt(Rounds / 2)).ToArray();
        for (var i = 0; i < 3; i++)
        {
            callbackTotals[i] += callbacks[i];
            passTotals[i] += pass[i];
        }

        return Line(name, lines, callbacks, pass) + Environment.NewLine + "    ParallelLint by analyzer: " +
            string.Join(", ", ours.OrderByDescending(analyzer => analyzer.Seconds).Select(analyzer => $"{analyzer.Rule} {analyzer.Seconds:F2}s"));
    }

    public string Total(int lines) => Line("all measured", lines, callbackTotals, passTotals);

    private static string Line(string name, int lines, double[] callbacks, double[] pass) =>
        $"{name,-34} {lines,8} | callbacks: {callbacks[0],11:F2}s {callbacks[1],11:F2}s {callbacks[2],9:F2}s {callbacks[0] / callbacks[1],6:P1} | " +
        $"pass: {pass[0],6:F2}s {pass[1],11:F2}s {pass[2],9:F2}s {pass[1] / pass[2],5:F2}×";
}
