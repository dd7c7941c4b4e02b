using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ParallelLint.Analyzers.Tests.Robustness;

/// <summary>What the analyzers reported on one input, and every exception they threw on it, described for a failure message.</summary>
internal sealed record AnalyzerRunResult(ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<string> Failures);

/// <summary>Runs analyzers the way a build or the IDE does (concurrently), catching every analyzer exception.</summary>
internal static class AnalyzerRun
{
    /// <summary>The analyzer exception diagnostic, reported when an analyzer throws.</summary>
    public const string AnalyzerExceptionId = "AD0001";

    public static CompilationWithAnalyzersOptions Options(Action<Exception, DiagnosticAnalyzer, Diagnostic>? onAnalyzerException, bool concurrentAnalysis = true) => new(
        new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
        onAnalyzerException,
        concurrentAnalysis,
        logAnalyzerExecutionTime: false,
        reportSuppressedDiagnostics: false);

    /// <summary>
    /// All analyzers over the whole compilation (a build), or, with <paramref name="tree"/>, over that tree only (an
    /// open document in the IDE); each failure names the analyzer and <paramref name="input"/>.
    /// </summary>
    public static async Task<AnalyzerRunResult> RunAsync(
        Compilation compilation,
        ImmutableArray<DiagnosticAnalyzer> analyzers,
        string input,
        SyntaxTree? tree = null,
        bool concurrentAnalysis = true)
    {
        var failures = new ConcurrentQueue<string>();
        var options = Options((exception, analyzer, _) => failures.Enqueue(Describe(analyzer.GetType().Name, input, exception.ToString())), concurrentAnalysis);
        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        var diagnostics = tree is null
            ? await withAnalyzers.GetAnalyzerDiagnosticsAsync()
            : (await withAnalyzers.GetAnalyzerSyntaxDiagnosticsAsync(tree, CancellationToken.None))
                .AddRange(await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), filterSpan: null, CancellationToken.None));

        // Without the callback the driver reports AD0001 instead: checked too, so no exception goes unseen either way.
        var reported = diagnostics
            .Where(d => d.Id == AnalyzerExceptionId)
            .Select(d => Describe(d.GetMessage().Split('\'').ElementAtOrDefault(1) ?? "an analyzer", input, d.GetMessage()));
        return new AnalyzerRunResult(
            diagnostics.Where(d => d.Id != AnalyzerExceptionId).ToImmutableArray(),
            failures.Concat(reported).Distinct().ToImmutableArray());
    }

    /// <summary>The lines a failure message is made of: the analyzer, the input, and the exception with its stack.</summary>
    private static string Describe(string analyzer, string input, string exception) =>
        $"{analyzer} threw on {input}:{Environment.NewLine}    {Shorten(exception).Replace(Environment.NewLine, Environment.NewLine + "    ")}";

    private static string Shorten(string text) => text.Length <= 3000 ? text : text[..3000] + " ...";
}
