using System.IO;
using System.Linq;
using Xunit;

namespace ParallelLint.Analyzers.Tests;

/// <summary>Keeps the docs honest: every rule has its page, its README row, a matching help link and release notes.</summary>
public class DocumentationTests
{
    public static TheoryData<string> RuleIdsShipped()
    {
        var data = new TheoryData<string>();
        foreach (var id in RepositoryFiles.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct())
        {
            data.Add(id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RuleIdsShipped))]
    public void Rule_is_documented_linked_and_tracked(string id)
    {
        var descriptor = RepositoryFiles.Analyzers.SelectMany(a => a.SupportedDiagnostics).First(d => d.Id == id);
        var page = Path.Combine(RepositoryFiles.Root, "docs", "rules", id + ".md");
        Assert.True(File.Exists(page), $"docs/rules/{id}.md is missing");

        var text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}: {descriptor.Title}", text);
        foreach (var section in new[] { "## Cause", "## Why it matters", "## Example", "## How to fix", "## Options", "## How to suppress" })
        {
            Assert.Contains(section, text);
        }

        Assert.EndsWith($"/docs/rules/{id}.md", descriptor.HelpLinkUri);
        Assert.Contains($"[{id}](docs/rules/{id}.md)", RepositoryFiles.Read("README.md"));

        var releases = RepositoryFiles.Read("src", "ParallelLint.Analyzers", "AnalyzerReleases.Shipped.md") +
                       RepositoryFiles.Read("src", "ParallelLint.Analyzers", "AnalyzerReleases.Unshipped.md");
        Assert.Contains($"{id} | {descriptor.Category} | {descriptor.DefaultSeverity}", releases);
    }

    [Fact]
    public void Every_rule_page_belongs_to_a_shipped_rule()
    {
        var ids = RepositoryFiles.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        var pages = Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "docs", "rules"), "PL*.md").Select(path => Path.GetFileNameWithoutExtension(path)!);
        Assert.All(pages, page => Assert.Contains(page, ids));
    }
}
