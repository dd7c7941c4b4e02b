using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp;
using ParallelLint.Analyzers.Tests.Robustness;
using ParallelLint.Analyzers.Tests.Verifiers;

namespace ParallelLint.Analyzers.Tests;

/// <summary>
/// The README's C# is what a new user pastes: every <c>```csharp</c> block is a whole Program.cs of a console app with
/// the package (the SDK's implicit usings, the runtime, and the libraries the block names), in C# 12 (the .NET 8 SDK's),
/// and compiles without an error or a warning. The analyzers report each <c>// ❌ PLxxxx</c> line's rules on that line,
/// no warning on any other line and nothing on a <c>// ✅</c> line. A block deliberately left uncompiled says why in
/// <c>&lt;!-- not compiled: reason --&gt;</c> on the line before it, and is counted.
/// </summary>
public class ReadmeTests
{
    /// <summary>How many C# blocks are deliberately not compiled: a new one must change this number.</summary>
    private const int NotCompiledBlocks = 1;

    // The samples' markers (tests/ParallelLint.Package.Tests/SamplesBuildTests.cs).
    private static readonly Regex Marker = new(@"//\s*❌\s*(?<ids>PL\d{4}(\s*,\s*PL\d{4})*)");
    private const string FixedMarker = "// ✅";

    private static readonly Regex NotCompiled = new(@"^<!--\s*not compiled:\s*(?<reason>\S.*?)\s*-->$");
    private static readonly Regex RuleRow = new(@"^\| \[(?<id>PL\d{4})\]\([^)]*\) \|[^|]*\|[^|]*\|(?<fix>[^|]*)\|$", RegexOptions.Multiline);
    private static readonly Regex BulkFix = new(@"^dotnet format analyzers --diagnostics(?<ids>( PL\d{4})+)", RegexOptions.Multiline);

    private static readonly ImmutableArray<CodeBlock> Blocks = CodeBlock.Read(RepositoryFiles.Read("README.md"));

    public static TheoryData<int> CompiledBlocks()
    {
        var data = new TheoryData<int>();
        foreach (var block in Blocks.Where(block => block.NotCompiledReason is null))
        {
            data.Add(block.Line);
        }

        return data;
    }

    [Fact]
    public void The_readme_has_csharp_blocks_and_counts_those_not_compiled()
    {
        var notCompiled = Blocks.Where(block => block.NotCompiledReason is not null).Select(block => $"{block}: {block.NotCompiledReason}").ToArray();

        Assert.True(Blocks.Length >= 15, $"only {Blocks.Length} ```csharp blocks found in README.md");
        Assert.True(notCompiled.Length == NotCompiledBlocks, $"{notCompiled.Length} blocks not compiled, {NotCompiledBlocks} expected:\n{string.Join("\n", notCompiled)}");
    }

    [Theory]
    [MemberData(nameof(CompiledBlocks))]
    public void Block_compiles_as_a_whole_program_without_warnings(int line)
    {
        var block = Blocks.Single(candidate => candidate.Line == line);
        var problems = block.Compile().GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(block.Describe)
            .ToArray();

        Assert.True(problems.Length == 0, $"{block} does not compile cleanly:\n{string.Join("\n", problems)}");
    }

    [Theory]
    [MemberData(nameof(CompiledBlocks))]
    public async Task Block_gets_the_rules_it_marks_and_no_other_warning(int line)
    {
        var block = Blocks.Single(candidate => candidate.Line == line);
        var run = await AnalyzerRun.RunAsync(block.Compile(), RepositoryFiles.Analyzers, block.ToString());
        Assert.Empty(run.Failures);

        var reported = run.Diagnostics.Where(d => d.Location.IsInSource && d.Location.SourceTree!.FilePath == CodeBlock.FileName).ToArray();
        var marked = block.Marked.Select(mark => $"{mark.Line} {mark.Id}").ToHashSet();
        var reportedHere = reported.Select(d => $"{block.ReadmeLine(d)} {d.Id}").ToHashSet();

        var missing = marked.Where(mark => !reportedHere.Contains(mark)).Select(mark => $"README.md:{mark} marked, not reported");
        // Suggestions (PL2005) need no mark: a build does not print them.
        var unmarked = reported.Where(d => d.Severity >= DiagnosticSeverity.Warning && !marked.Contains($"{block.ReadmeLine(d)} {d.Id}")).Select(block.Describe);
        var onFixed = reported.Where(d => block.FixedLines.Contains(block.ReadmeLine(d))).Select(d => $"{block.Describe(d)} (on a ✅ line)");
        var wrong = missing.Concat(unmarked).Concat(onFixed).Distinct().ToArray();
        Assert.True(wrong.Length == 0, $"{block}:\n{string.Join("\n", wrong)}");
    }

    /// <summary>Each rule's example shows it firing: some compiled block marks it.</summary>
    [Fact]
    public void Every_rule_is_marked_in_a_compiled_block()
    {
        var marked = Blocks.Where(block => block.NotCompiledReason is null).SelectMany(block => block.Marked).Select(mark => mark.Id).ToHashSet();
        var rules = RepositoryFiles.Analyzers.SelectMany(analyzer => analyzer.SupportedDiagnostics).Select(rule => rule.Id).Distinct();

        var unmarked = rules.Where(rule => !marked.Contains(rule)).ToArray();
        Assert.True(unmarked.Length == 0, $"no compiled README block marks {string.Join(", ", unmarked)}");
    }

    /// <summary>
    /// The rule table's Fix column is filled for exactly the rules that have a code fix, and the README's command that
    /// applies the fixes in bulk names exactly those: a fix added for a rule (PL1002's, say) updates both.
    /// </summary>
    [Fact]
    public void The_fix_column_and_the_bulk_fix_command_name_the_rules_with_a_fix()
    {
        var readme = RepositoryFiles.Read("README.md").ReplaceLineEndings("\n");
        var rules = RepositoryFiles.Analyzers.SelectMany(analyzer => analyzer.SupportedDiagnostics).Select(rule => rule.Id).ToHashSet();
        var fixable = CodeFixRun.Fixers.SelectMany(fixer => fixer.FixableDiagnosticIds).Where(rules.Contains).Distinct().Order().ToArray();
        var rows = RuleRow.Matches(readme).ToArray();
        var withFixColumn = rows.Where(row => row.Groups["fix"].Value.Trim().Length > 0).Select(row => row.Groups["id"].Value).Order().ToArray();
        var commands = BulkFix.Matches(readme).Select(match => match.Groups["ids"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order().ToArray()).ToArray();

        Assert.Equal(rules.Order(), rows.Select(row => row.Groups["id"].Value).Order());
        Assert.Equal(fixable, withFixColumn);
        Assert.True(
            commands.Any(ids => ids.SequenceEqual(fixable)),
            $"no `dotnet format analyzers --diagnostics {string.Join(' ', fixable)}` line in README.md (found: {string.Join("; ", commands.Select(ids => string.Join(' ', ids)))})");
    }

    /// <summary>One <c>```csharp</c> block of the README: <see cref="Line"/> is the README line of its first code line.</summary>
    private sealed record CodeBlock(int Line, string Code, string? NotCompiledReason)
    {
        public const string FileName = "Program.cs";

        private static readonly CSharpParseOptions CSharp12 = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.CSharp12);

        private static readonly SyntaxTree ImplicitUsings = CSharpSyntaxTree.ParseText(TestSources.ImplicitUsings, CSharp12, "ImplicitUsings.cs");

        private string[] Lines => Code.Split('\n');

        /// <summary>The README lines marked <c>// ❌ PLxxxx</c>, with each rule they name.</summary>
        public IEnumerable<(int Line, string Id)> Marked => Lines
            .Select((text, index) => (Line: Line + index, Match: Marker.Match(text)))
            .Where(line => line.Match.Success)
            .SelectMany(line => line.Match.Groups["ids"].Value.Split(',').Select(id => (line.Line, id.Trim())));

        public ImmutableHashSet<int> FixedLines => Lines
            .Select((text, index) => (Line: Line + index, Fixed: text.Contains(FixedMarker, StringComparison.Ordinal)))
            .Where(line => line.Fixed)
            .Select(line => line.Line)
            .ToImmutableHashSet();

        public static ImmutableArray<CodeBlock> Read(string markdown)
        {
            var lines = markdown.ReplaceLineEndings("\n").Split('\n');
            var blocks = ImmutableArray.CreateBuilder<CodeBlock>();
            for (var i = 0; i < lines.Length; i++)
            {
                if (!lines[i].StartsWith("```", StringComparison.Ordinal))
                {
                    continue;
                }

                var end = Array.FindIndex(lines, i + 1, line => line.StartsWith("```", StringComparison.Ordinal));
                Assert.True(end > i, $"README.md:{i + 1}: a code block that never ends");
                if (lines[i].Trim() == "```csharp")
                {
                    var before = lines.Take(i).LastOrDefault(line => line.Trim().Length > 0) ?? "";
                    var reason = NotCompiled.Match(before.Trim());
                    blocks.Add(new CodeBlock(i + 2, string.Join("\n", lines[(i + 1)..end]), reason.Success ? reason.Groups["reason"].Value : null));
                }

                i = end;
            }

            return blocks.ToImmutable();
        }

        /// <summary>The block as a console app's Program.cs, against the runtime and the libraries the tests reference.</summary>
        public CSharpCompilation Compile()
        {
            var program = CSharpSyntaxTree.ParseText(Code, CSharp12, FileName);
            var compilation = TestReferences.Compile("Readme", new[] { program, ImplicitUsings }, OutputKind.ConsoleApplication)
                .AddReferences(TestReferences.ThreadPoolLibraries);
            // Nullable on, as dotnet new console sets it; CS1701/CS1702 (a reference built on an older framework) off, as the SDK's NoWarn has them.
            return compilation.WithOptions(compilation.Options
                .WithNullableContextOptions(NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress }));
        }

        public int ReadmeLine(Diagnostic diagnostic) => Line + diagnostic.Location.GetLineSpan().StartLinePosition.Line;

        public string Describe(Diagnostic diagnostic) =>
            diagnostic.Location.IsInSource && diagnostic.Location.SourceTree!.FilePath == FileName
                ? $"README.md:{ReadmeLine(diagnostic)}: {diagnostic.Id} {diagnostic.GetMessage()}"
                : $"{diagnostic.Location}: {diagnostic.Id} {diagnostic.GetMessage()}";

        public override string ToString() => $"README.md:{Line}";
    }
}
