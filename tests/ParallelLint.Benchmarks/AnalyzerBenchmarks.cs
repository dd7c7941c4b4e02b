using System.Collections.Immutable;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ParallelLint.Benchmarks;

/// <summary>
/// ParallelLint's analyzers on a generated code base of 200k and 400k lines, against an analyzer that does nothing
/// (the cost of binding the code, paid by every analyzer run) and against the .NET SDK's NetAnalyzers on the same
/// compilation. ParallelLint's own cost is its time minus the baseline's; targets: at most 10% of NetAnalyzers' own
/// cost, and twice the code at most twice the cost.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class AnalyzerBenchmarks
{
    private CSharpCompilation compilation = null!;
    private ImmutableArray<DiagnosticAnalyzer> parallelLint;
    private ImmutableArray<DiagnosticAnalyzer> netAnalyzers;

    [Params(200_000, 400_000)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        compilation = Compile(Lines);
        parallelLint = ParallelLintAnalyzers();
        netAnalyzers = NetAnalyzerSet();
    }

    public static CSharpCompilation Compile(int lines)
    {
        var trees = GeneratedCode.Files(lines).Select((text, i) => CSharpSyntaxTree.ParseText(text, path: $"Model{i}.cs"));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        return CSharpCompilation.Create("Generated", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    }

    public static ImmutableArray<DiagnosticAnalyzer> ParallelLintAnalyzers() =>
        typeof(ParallelLint.Analyzers.NestedParallelConstructAnalyzer).Assembly.GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
            .ToImmutableArray();

    public static ImmutableArray<DiagnosticAnalyzer> NetAnalyzerSet() => PackagedSet("NetAnalyzers");

    /// <summary>AsyncFixer, a small analyzer package users know, as a yardstick for a whole pass.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> AsyncFixerSet() => PackagedSet("AsyncFixer");

    /// <summary>The C# analyzers of a package copied beside this program (see the project file).</summary>
    private static ImmutableArray<DiagnosticAnalyzer> PackagedSet(string folder)
    {
        var loader = new Loader();
        return Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, folder), "*.dll")
            .SelectMany(path => new AnalyzerFileReference(path, loader).GetAnalyzers(LanguageNames.CSharp))
            .ToImmutableArray();
    }

    [Benchmark(Baseline = true)]
    public Task<ImmutableArray<Diagnostic>> EmptyAnalyzer() => Analyze(ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer()));

    [Benchmark]
    public Task<ImmutableArray<Diagnostic>> ParallelLint() => Analyze(parallelLint);

    [Benchmark]
    public Task<ImmutableArray<Diagnostic>> NetAnalyzers() => Lines == 200_000 ? Analyze(netAnalyzers) : Task.FromResult(ImmutableArray<Diagnostic>.Empty);

    // A fresh compilation each time: nothing bound by an earlier run is reused.
    private Task<ImmutableArray<Diagnostic>> Analyze(ImmutableArray<DiagnosticAnalyzer> analyzers) =>
        compilation.Clone().WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}

/// <summary>Asks for every operation and does nothing: the driver's and the binder's cost alone.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EmptyAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Never = new("EMPTY", "Never", "Never", "None", DiagnosticSeverity.Hidden, true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Never);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationAction(_ => { }, OperationKind.Invocation);
    }
}
