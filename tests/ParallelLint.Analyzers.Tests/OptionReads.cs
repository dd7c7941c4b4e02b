using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ParallelLint.Analyzers.Tests;

/// <summary>
/// The option keys each rule's analyzer asks for, observed rather than declared: every analyzer runs alone over the
/// samples (where every rule fires) with options that record each key asked for. Keys the compiler asks for on its
/// own (a run with an analyzer that does nothing) and the severity keys (<c>dotnet_diagnostic.*</c>,
/// <c>dotnet_analyzer_diagnostic.*</c>, which every rule page covers under "How to suppress") are left out.
/// </summary>
internal static class OptionReads
{
    private static readonly Lazy<Task<ImmutableDictionary<string, ImmutableSortedSet<string>>>> ByRule = new(ObserveAsync);

    /// <summary>Rule ID to the option keys its analyzer read.</summary>
    public static Task<ImmutableDictionary<string, ImmutableSortedSet<string>>> ByRuleAsync() => ByRule.Value;

    private static async Task<ImmutableDictionary<string, ImmutableSortedSet<string>>> ObserveAsync()
    {
        var compilerKeys = await KeysReadBy(new DoesNothing());
        var reads = await Task.WhenAll(RepositoryFiles.Analyzers.Select(async analyzer =>
            (analyzer, keys: (await KeysReadBy(analyzer)).Except(compilerKeys).Where(key => !IsSeverityKey(key)).ToImmutableSortedSet())));
        return reads
            .SelectMany(read => read.analyzer.SupportedDiagnostics.Select(rule => (rule.Id, read.keys)))
            .ToImmutableDictionary(read => read.Id, read => read.keys);
    }

    private static bool IsSeverityKey(string key) =>
        key.StartsWith("dotnet_diagnostic.", StringComparison.Ordinal) || key.StartsWith("dotnet_analyzer_diagnostic.", StringComparison.Ordinal);

    private static async Task<ISet<string>> KeysReadBy(DiagnosticAnalyzer analyzer)
    {
        var options = new RecordingOptions();
        var provider = new RecordingProvider(options);
        await SampleCompilation.Compilation
            .WithAnalyzers(ImmutableArray.Create(analyzer), new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, provider))
            .GetAnalyzerDiagnosticsAsync();
        return options.Asked.Keys.ToHashSet();
    }

    /// <summary>Every key asked for, whatever the file or the global section; no key has a value.</summary>
    private sealed class RecordingOptions : AnalyzerConfigOptions
    {
        public ConcurrentDictionary<string, byte> Asked { get; } = new(StringComparer.Ordinal);

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value)
        {
            Asked.TryAdd(key, 0);
            value = null;
            return false;
        }
    }

    private sealed class RecordingProvider : AnalyzerConfigOptionsProvider
    {
        private readonly RecordingOptions options;

        public RecordingProvider(RecordingOptions options) => this.options = options;

        public override AnalyzerConfigOptions GlobalOptions => options;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => options;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => options;
    }

    /// <summary>The baseline: what the compiler's analyzer driver asks for by itself, set up as the rules' analyzers are.</summary>
#pragma warning disable RS1001, RS2008 // created by hand here, never loaded by a compiler nor shipped
    private sealed class DoesNothing : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("TEST0001", "Nothing", "Nothing", "Test", DiagnosticSeverity.Warning, true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSyntaxTreeAction(_ => { });
        }
    }
#pragma warning restore RS1001, RS2008
}
