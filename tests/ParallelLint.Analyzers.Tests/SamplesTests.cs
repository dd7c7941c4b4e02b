using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Tests.Verifiers;
using Xunit;

namespace ParallelLint.Analyzers.Tests;

/// <summary>The samples project says, line by line, what each rule reports: every marked line and nothing else.</summary>
public class SamplesTests
{
    private static readonly Regex Marker = new(@"//\s*❌\s*(?<ids>PL\d{4}(\s*,\s*PL\d{4})*)");

    [Fact]
    public async Task Every_marked_line_and_only_those_get_their_diagnostic()
    {
        var directory = Path.Combine(RepositoryFiles.Root, "samples", "ParallelLint.Samples");
        var files = Directory.GetFiles(directory, "*.cs", SearchOption.TopDirectoryOnly);
        var trees = files
            .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), path: Path.GetFileName(path)))
            .Append(CSharpSyntaxTree.ParseText(TestSources.ImplicitUsings, path: "ImplicitUsings.cs"))
            .ToArray();
        var compilation = TestReferences.Compile("Samples", trees, OutputKind.ConsoleApplication)
            .AddReferences(TestReferences.ThreadPoolLibraries);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var diagnostics = await compilation.WithAnalyzers(RepositoryFiles.Analyzers).GetAnalyzerDiagnosticsAsync();
        var reported = diagnostics
            .Select(d => $"{d.Location.SourceTree!.FilePath}:{d.Location.GetLineSpan().StartLinePosition.Line + 1} {d.Id}")
            .OrderBy(line => line)
            .ToArray();
        var marked = trees
            .SelectMany(tree => tree.GetText().Lines.SelectMany(line => Marker.Match(line.ToString()) is { Success: true } match
                ? match.Groups["ids"].Value.Split(',').Select(id => $"{tree.FilePath}:{line.LineNumber + 1} {id.Trim()}")
                : Enumerable.Empty<string>()))
            .OrderBy(line => line)
            .ToArray();

        Assert.NotEmpty(marked);
        Assert.Equal(marked, reported);
    }

    [Fact]
    public void Every_rule_has_a_sample_file()
    {
        var directory = Path.Combine(RepositoryFiles.Root, "samples", "ParallelLint.Samples");
        foreach (var rule in RepositoryFiles.Analyzers.SelectMany(analyzer => analyzer.SupportedDiagnostics))
        {
            Assert.True(
                Directory.GetFiles(directory, rule.Id + "_*.cs").Length == 1,
                $"{rule.Id} has no samples/ParallelLint.Samples/{rule.Id}_<Title>.cs");
        }
    }
}
