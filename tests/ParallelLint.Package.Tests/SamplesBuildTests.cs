using System.Text.RegularExpressions;

namespace ParallelLint.Package.Tests;

/// <summary>
/// The samples say, line by line, what each rule reports: `dotnet build` warns on every `// ❌ PLxxxx` line and on
/// nothing else, and every sample shows its fixed twin (`// ✅`).
/// </summary>
public sealed class SamplesBuildTests
{
    private static readonly Regex Marker = new(@"//\s*❌\s*(?<ids>PL\d{4}(\s*,\s*PL\d{4})*)");
    private static readonly Regex Warning = new(@"(?<file>[^\s/\\]+\.cs)\((?<line>\d+),(?<column>\d+)\): (warning|error|info) (?<id>PL\d{4})");
    private static readonly string Project = Path.Combine(DotNet.RepositoryRoot(), "samples", "ParallelLint.Samples");

    [Fact]
    public async Task The_build_warns_on_every_marked_line_and_nowhere_else()
    {
        // Builds what the samples use first, then only the samples again: an up-to-date build skips the compiler and
        // would print no warnings, and rebuilding the analyzers here would be wasted time.
        var (exitCode, output) = await DotNet.Run(Project, TimeSpan.FromMinutes(5), "build", "-c", "Debug", "-nologo");
        Assert.True(exitCode == 0, output);
        (exitCode, output) = await DotNet.Run(Project, TimeSpan.FromMinutes(5), "build", "-c", "Debug", "-nologo", "--no-dependencies", "--no-incremental");
        Assert.True(exitCode == 0, output);

        // MSBuild repeats each warning in its summary: one per file, line, column and rule.
        var reported = Warning.Matches(output)
            .DistinctBy(match => match.Value)
            .Select(match => $"{match.Groups["file"].Value}:{match.Groups["line"].Value} {match.Groups["id"].Value}")
            .Order()
            .ToArray();
        var marked = Directory.GetFiles(Project, "*.cs")
            .SelectMany(path => File.ReadLines(path).Select((text, index) => (File: Path.GetFileName(path), Line: index + 1, Match: Marker.Match(text))))
            .Where(line => line.Match.Success)
            .SelectMany(line => line.Match.Groups["ids"].Value.Split(',').Select(id => $"{line.File}:{line.Line} {id.Trim()}"))
            .Order()
            .ToArray();

        Assert.NotEmpty(marked);
        Assert.Equal(marked, reported);
    }

    [Fact]
    public void Every_sample_shows_the_finding_and_its_fixed_twin()
    {
        foreach (var path in Directory.GetFiles(Project, "PL*.cs"))
        {
            var text = File.ReadAllText(path);
            Assert.True(Marker.IsMatch(text), $"{Path.GetFileName(path)} has no `// ❌ PLxxxx` line");
            Assert.True(text.Contains("// ✅", StringComparison.Ordinal), $"{Path.GetFileName(path)} has no fixed twin marked `// ✅`");
        }
    }
}
