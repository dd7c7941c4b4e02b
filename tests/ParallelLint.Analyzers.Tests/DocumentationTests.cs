using System.Text.RegularExpressions;

namespace ParallelLint.Analyzers.Tests;

/// <summary>
/// Keeps the docs honest: every rule has its page, its README row, a matching help link and release notes; every
/// option an analyzer reads is on its rule's page; the README's presets are the ones the package ships.
/// </summary>
public class DocumentationTests
{
    // The analyzers' own option keys, wherever their sources name one (code, messages, doc comments).
    private static readonly Regex OptionKey = new(@"\bparallellint\.[a-z_]+\b");

    private static readonly string PresetDirectory = Path.Combine(RepositoryFiles.Root, "src", "ParallelLint.Package", "build", "config");

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
        var descriptor = Descriptor(id);
        var page = Path.Combine(RepositoryFiles.Root, "docs", "rules", id + ".md");
        Assert.True(File.Exists(page), $"docs/rules/{id}.md is missing");

        var text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}: {descriptor.Title}", text);
        foreach (var section in new[] { "## Cause", "## Why it matters", "## Example", "## How to fix", "## Options", "## How to suppress" })
        {
            Assert.Contains(section, text);
        }

        Assert.EndsWith($"/docs/rules/{id}.md", descriptor.HelpLinkUri);
        Assert.Contains(
            $"\n| [{id}](docs/rules/{id}.md) | {descriptor.Title} | {descriptor.DefaultSeverity} |",
            RepositoryFiles.Read("README.md").ReplaceLineEndings("\n"));

        var releases = RepositoryFiles.Read("src", "ParallelLint.Analyzers", "AnalyzerReleases.Shipped.md") +
                       RepositoryFiles.Read("src", "ParallelLint.Analyzers", "AnalyzerReleases.Unshipped.md");
        Assert.Contains($"{id} | {descriptor.Category} | {descriptor.DefaultSeverity}", releases);
    }

    [Theory]
    [MemberData(nameof(RuleIdsShipped))]
    public async Task Rule_page_documents_every_option_its_analyzer_reads(string id)
    {
        var read = (await OptionReads.ByRuleAsync())[id];
        var options = Section(RepositoryFiles.Read("docs", "rules", id + ".md"), "## Options");
        Assert.All(read, key => Assert.True(options.Contains($"`{key}`"), $"docs/rules/{id}.md does not document `{key}` under ## Options"));
    }

    /// <summary>
    /// The observation behind <see cref="Rule_page_documents_every_option_its_analyzer_reads"/> is complete: every
    /// option key the analyzers' sources name is read by some analyzer on the samples (else a sample is missing a
    /// case, or a source names an option no analyzer reads).
    /// </summary>
    [Fact]
    public async Task Every_option_the_analyzers_name_is_seen_read()
    {
        var sources = Path.Combine(RepositoryFiles.Root, "src", "ParallelLint.Analyzers");
        var named = Directory.EnumerateFiles(sources, "*.cs", SearchOption.AllDirectories)
            .Where(path => !Path.GetRelativePath(sources, path).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .SelectMany(path => OptionKey.Matches(File.ReadAllText(path)).Select(match => match.Value))
            .ToHashSet();
        var read = (await OptionReads.ByRuleAsync()).Values.SelectMany(keys => keys).ToHashSet();

        Assert.NotEmpty(named);
        Assert.All(named, key => Assert.True(read.Contains(key), $"{key} is named in src/ParallelLint.Analyzers but no analyzer read it on the samples"));
    }

    [Fact]
    public void Every_rule_page_belongs_to_a_shipped_rule()
    {
        var ids = RepositoryFiles.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        var pages = Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "docs", "rules"), "PL*.md").Select(path => Path.GetFileNameWithoutExtension(path)!);
        Assert.All(pages, page => Assert.Contains(page, ids));
    }

    /// <summary>The README's Presets part names the property and every preset the package ships, and nothing else.</summary>
    [Fact]
    public void Readme_documents_the_shipped_presets()
    {
        var shipped = Directory.GetFiles(PresetDirectory, "ParallelLint.*.globalconfig")
            .Select(path => Path.GetFileName(path).Split('.')[1])
            .OrderBy(mode => mode)
            .ToArray();
        var presets = Section(Section(RepositoryFiles.Read("README.md"), "## Configuring"), "### Presets");
        var documented = Regex.Matches(presets, @"^\| `(?<mode>[a-z]+)`", RegexOptions.Multiline)
            .Select(match => match.Groups["mode"].Value)
            .OrderBy(mode => mode)
            .ToArray();

        Assert.Equal(new[] { "none", "recommended", "strict" }, shipped);
        Assert.Equal(shipped, documented);
        Assert.Contains("`ParallelLintMode`", presets);
    }

    /// <summary>
    /// The strict and none presets set one category's severity in bulk, which reaches only rules of that category
    /// that are enabled by default: every rule must be one, or a preset would silently pass it by.
    /// </summary>
    [Theory]
    [InlineData("strict")]
    [InlineData("none")]
    public void Preset_reaches_every_rule(string mode)
    {
        var preset = File.ReadAllText(Path.Combine(PresetDirectory, $"ParallelLint.{mode}.globalconfig"));
        var category = Regex.Match(preset, @"^dotnet_analyzer_diagnostic\.category-(?<category>\w+)\.severity = \w+$", RegexOptions.Multiline)
            .Groups["category"].Value;

        Assert.All(RepositoryFiles.Analyzers.SelectMany(a => a.SupportedDiagnostics), rule =>
        {
            Assert.Equal(category, rule.Category);
            Assert.True(rule.IsEnabledByDefault, $"{rule.Id} is disabled by default: bulk severities skip it");
        });
    }

    /// <summary>The package's own build errors (not rules) have their page under docs/build, linked from the error.</summary>
    [Fact]
    public void Build_errors_of_the_package_link_to_their_page()
    {
        var props = System.Xml.Linq.XDocument.Parse(RepositoryFiles.Read("src", "ParallelLint.Package", "build", "ParallelLint.props"));
        var errors = props.Descendants("Error").ToList();

        Assert.NotEmpty(errors);
        Assert.All(errors, error =>
        {
            var code = (string?)error.Attribute("Code");
            Assert.NotNull(code);
            Assert.EndsWith($"/docs/build/{code}.md", (string?)error.Attribute("HelpLink"));
            Assert.True(File.Exists(Path.Combine(RepositoryFiles.Root, "docs", "build", code + ".md")), $"docs/build/{code}.md is missing");
            Assert.Contains($"[`error {code}`](docs/build/{code}.md)", RepositoryFiles.Read("README.md"));
        });
    }

    private static DiagnosticDescriptor Descriptor(string id) =>
        RepositoryFiles.Analyzers.SelectMany(a => a.SupportedDiagnostics).First(d => d.Id == id);

    /// <summary>
    /// The lines under <paramref name="heading"/>, up to the next heading of its level or a higher one (a <c>#</c>
    /// line inside a code block is no heading).
    /// </summary>
    private static string Section(string markdown, string heading)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var start = Array.IndexOf(lines, heading);
        Assert.True(start >= 0, $"no '{heading}' heading");
        var level = heading.IndexOf(' ');
        var inCode = false;
        var end = start + 1;
        for (; end < lines.Length; end++)
        {
            inCode ^= lines[end].StartsWith("```", StringComparison.Ordinal);
            if (!inCode && Regex.IsMatch(lines[end], $"^#{{1,{level}}} "))
            {
                break;
            }
        }

        return string.Join("\n", lines[start..end]);
    }
}
