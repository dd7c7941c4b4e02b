using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ParallelLint.Benchmarks;

/// <summary>
/// All ParallelLint rules over real code checked out on disk, one compilation per top-level folder (one repository each):
/// <c>dotnet run -c Release --project tests/ParallelLint.Benchmarks -- --real folder [--out file.tsv]</c>.
/// Writes one TSV line per diagnostic (rule, severity, path relative to the folder, line, message), which
/// eng/realcode/score.py joins with the hand labels, then per folder the compile errors (a missing package makes the
/// rules blind, not wrong), analyzer exceptions and analyzer time. Only the net10 framework is referenced.
/// <c>--cost name,name</c> measures those folders' cost beside NetAnalyzers and AsyncFixer (<see cref="RealCodeCost"/>).
/// </summary>
public static class RealCode
{
    // What the SDK would define for a net10 build; real code hides modern APIs behind these.
    private static readonly string[] Symbols =
        ["NET", "NETCOREAPP", "NET10_0", "RELEASE", "TRACE", .. Enumerable.Range(5, 6).Select(v => $"NET{v}_0_OR_GREATER"), "NETCOREAPP3_1_OR_GREATER", "NETSTANDARD2_1_OR_GREATER"];

    private const string ImplicitUsings =
        "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
        "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    public static async Task Report(string[] args)
    {
        var root = Path.GetFullPath(args[0]);
        var outIndex = Array.IndexOf(args, "--out");
        using var output = outIndex >= 0 ? new StreamWriter(args[outIndex + 1]) : null;
        var tsv = output ?? Console.Out;
        tsv.WriteLine("rule\tseverity\tpath\tline\tmessage");

        // Compile errors beside it, so a miss can be told apart: blind (an unresolved type) or not modelled.
        using var errorsTsv = new StreamWriter(outIndex >= 0 ? args[outIndex + 1] + ".errors" : Path.Combine(Path.GetTempPath(), "realcode.errors.tsv"));

        var analyzers = AnalyzerBenchmarks.ParallelLintAnalyzers();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll" or "Microsoft.Win32.Primitives.dll")
            .Select(path => MetadataReference.CreateFromFile(path))
            .ToArray();
        var parse = new CSharpParseOptions(LanguageVersion.Preview, preprocessorSymbols: Symbols);
        var perRule = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var costIndex = Array.IndexOf(args, "--cost");
        var costed = costIndex >= 0 ? args[costIndex + 1].Split(',').ToHashSet(StringComparer.Ordinal) : [];
        var cost = costed.Count > 0 ? new RealCodeCost() : null;
        var costLines = new List<string>();
        var costedLines = 0;
        var exceptions = 0;

        var groups = Directory.GetDirectories(root).Order(StringComparer.Ordinal).Select(dir => (Name: Path.GetFileName(dir), Files: Sources(dir)))
            .Append((Name: ".", Files: Directory.GetFiles(root, "*.cs").Where(IsHandWritten).ToArray()))
            .Where(group => group.Files.Length > 0);
        Console.Error.WriteLine($"{"folder",-34} {"files",6} {"lines",8} {"errors",7} {"diags",6} {"except",6} {"analyzers",9} {"wall",7}");
        foreach (var (name, files) in groups)
        {
            var trees = files.Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file), parse, path: Path.GetRelativePath(root, file).Replace('\\', '/'))).ToArray();
            // A repository whose files mostly lack `using System;` builds with the SDK's implicit usings: add them.
            if (trees.Count(tree => !tree.GetText().ToString().Contains("using System;", StringComparison.Ordinal)) * 2 > trees.Length)
            {
                trees = [.. trees, CSharpSyntaxTree.ParseText(ImplicitUsings, parse, path: name + "/ImplicitUsings.g.cs")];
            }

            var lines = trees.Sum(tree => tree.GetText().Lines.Count);
            var compilation = CSharpCompilation.Create(name, trees, references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

            // Compile errors first, on a thread with a large stack: Roslyn's constant evaluation recurses once per field
            // of a constant chain, and the symbols it caches keep the analysis below off that path. (ILGPU overflows even
            // 256 MB, which kills the process, so repos.tsv leaves it out.) Method bodies are bound again by the analysis.
            var errors = Array.Empty<Diagnostic>();
            var binder = new Thread(() => errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray(), 256 * 1024 * 1024);
            binder.Start();
            binder.Join();

            // Exceptions must be loud: a crashing rule reports nothing, which would read as perfect precision.
            var thrown = new ConcurrentBag<string>();
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (exception, analyzer, diagnostic) => thrown.Add($"{analyzer.GetType().Name}: {exception.GetType().Name}: {exception.Message} at {diagnostic.Location.GetLineSpan()}"),
                concurrentAnalysis: false, logAnalyzerExecutionTime: true);
            var wall = Stopwatch.StartNew();
            var result = await compilation.WithAnalyzers(analyzers, options).GetAnalysisResultAsync(CancellationToken.None);
            wall.Stop();

            var found = result.GetAllDiagnostics().OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ToArray();
            foreach (var diagnostic in found.Where(d => d.Id != "AD0001"))
            {
                var span = diagnostic.Location.GetLineSpan();
                tsv.WriteLine($"{diagnostic.Id}\t{diagnostic.Severity}\t{span.Path}\t{span.StartLinePosition.Line + 1}\t{diagnostic.GetMessage().Replace('\t', ' ').Replace('\n', ' ')}");
                perRule[diagnostic.Id] = perRule.GetValueOrDefault(diagnostic.Id) + 1;
            }

            foreach (var failure in found.Where(d => d.Id == "AD0001").Select(d => d.GetMessage()).Concat(thrown).Distinct())
            {
                Console.Error.WriteLine($"!!! ANALYZER EXCEPTION in {name}: {failure}");
                exceptions++;
            }

            foreach (var error in errors)
            {
                var span = error.Location.GetLineSpan();
                errorsTsv.WriteLine($"{error.Id}\t{span.Path}\t{span.StartLinePosition.Line + 1}\t{error.GetMessage().Replace('\t', ' ').Replace('\n', ' ')}");
            }

            var own = result.AnalyzerTelemetryInfo.Values.Sum(info => info.ExecutionTime.TotalSeconds);
            Console.Error.WriteLine($"{name,-34} {trees.Length,6} {lines,8} {errors.Length,7} {found.Length,6} {exceptions,6} {own,8:F2}s {wall.Elapsed.TotalSeconds,6:F1}s  " +
                string.Join(" ", errors.GroupBy(d => d.Id).OrderByDescending(g => g.Count()).Take(3).Select(g => $"{g.Key}x{g.Count()}")));
            tsv.Flush();
            if (cost is not null && costed.Contains(name))
            {
                costLines.Add(await cost.MeasureAsync(name, lines, compilation));
                costedLines += lines;
            }
        }

        if (cost is not null)
        {
            Console.Error.WriteLine(RealCodeCost.Header);
            costLines.Append(cost.Total(costedLines)).ToList().ForEach(Console.Error.WriteLine);
        }

        Console.Error.WriteLine("per rule: " + string.Join(", ", perRule.Select(rule => $"{rule.Key} {rule.Value}")));
        Console.Error.WriteLine(exceptions == 0 ? "analyzer exceptions: none" : $"!!! ANALYZER EXCEPTIONS: {exceptions}");
    }

    private static string[] Sources(string dir) =>
        Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .Where(IsHandWritten)
            .Order(StringComparer.Ordinal)
            .ToArray();

    // Generated files are not what a user writes, and the rules skip them anyway.
    private static bool IsHandWritten(string file)
    {
        var name = Path.GetFileName(file);
        if (name.EndsWith(".g.cs", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".Designer.cs", StringComparison.OrdinalIgnoreCase) ||
            name.EndsWith(".generated.cs", StringComparison.OrdinalIgnoreCase) || name.EndsWith("AssemblyInfo.cs", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        using var reader = new StreamReader(file);
        var head = new char[512];
        var read = reader.ReadBlock(head, 0, head.Length);
        return !new string(head, 0, read).Contains("<auto-generated", StringComparison.OrdinalIgnoreCase);
    }
}
