namespace ParallelLint.Analyzers.Tests;

/// <summary>Every rule has its sample (what the build reports on them: tests/ParallelLint.Package.Tests/SamplesBuildTests.cs).</summary>
public class SamplesTests
{
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
