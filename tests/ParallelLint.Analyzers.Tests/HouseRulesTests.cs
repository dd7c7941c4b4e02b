using System.Collections.Immutable;
using System.Reflection;
using System.Xml.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ParallelLint.Analyzers.Tests.Verifiers;

namespace ParallelLint.Analyzers.Tests;

/// <summary>
/// The analyzers' house rules (types resolved in KnownTypes, reports through GeneratedCode.Report, descriptors made by
/// Rules.Create) are held by Microsoft.CodeAnalysis.BannedApiAnalyzers on src/BannedSymbols.txt. These tests fail when
/// that wiring breaks: a project loses the analyzer or the file, an entry stops naming its API, an analysis context
/// that reports is left out, or the analyzer no longer flags the calls.
/// </summary>
public class HouseRulesTests
{
    private static readonly string BannedSymbolsPath = Path.Combine(RepositoryFiles.Root, "src", "BannedSymbols.txt");

    /// <summary>The IDs of src/BannedSymbols.txt, with their messages.</summary>
    private static ImmutableDictionary<string, string> Banned { get; } = File.ReadAllLines(BannedSymbolsPath)
        .Select(line => (line.IndexOf("//", StringComparison.Ordinal) is var comment and >= 0 ? line.Substring(0, comment) : line).Trim())
        .Where(line => line.Length > 0)
        .Select(line => line.Split(new[] { ';' }, 2))
        .ToImmutableDictionary(entry => entry[0].Trim(), entry => entry.Length > 1 ? entry[1].Trim() : "");

    [Theory]
    [InlineData("src/ParallelLint.Analyzers/ParallelLint.Analyzers.csproj")]
    [InlineData("src/ParallelLint.CodeFixes/ParallelLint.CodeFixes.csproj")]
    public void Shipped_analyzer_project_runs_the_ban_as_an_error(string project)
    {
        var path = Path.Combine(RepositoryFiles.Root, project);
        var xml = XDocument.Load(path);

        var reference = Assert.Single(xml.Descendants("PackageReference"), item => (string?)item.Attribute("Include") == "Microsoft.CodeAnalysis.BannedApiAnalyzers");
        Assert.Equal("all", (string?)reference.Attribute("PrivateAssets"));
        Assert.Null(reference.Attribute("ExcludeAssets"));
        Assert.Null(reference.Attribute("IncludeAssets"));

        // MSBuild paths, with Windows separators, relative to the project.
        var files = xml.Descendants("AdditionalFiles")
            .Select(item => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, ((string)item.Attribute("Include")!).Replace('\\', Path.DirectorySeparatorChar))));
        Assert.Contains(BannedSymbolsPath, files);

        var errors = xml.Descendants("WarningsAsErrors").SelectMany(element => element.Value.Split(';')).Select(id => id.Trim());
        Assert.Contains("RS0030", errors);

        var versions = XDocument.Load(Path.Combine(RepositoryFiles.Root, "Directory.Packages.props")).Descendants("PackageVersion");
        Assert.Contains(versions, item => (string?)item.Attribute("Include") == "Microsoft.CodeAnalysis.BannedApiAnalyzers");
    }

    [Fact]
    public void Every_house_rule_api_is_banned_with_the_sanctioned_place()
    {
        // Against the Roslyn the tests run on: every API of the three rules, so a context added to Roslyn shows up here.
        var roslyn = RoslynCompilation();
        var diagnostics = roslyn.GetTypeByMetadataName("Microsoft.CodeAnalysis.Diagnostics.OperationAnalysisContext")!.ContainingNamespace;
        var reports = diagnostics.GetTypeMembers()
            .Where(type => type.DeclaredAccessibility == Accessibility.Public)
            .SelectMany(type => type.GetMembers("ReportDiagnostic"))
            .Where(member => member.DeclaredAccessibility == Accessibility.Public)
            .Select(member => member.GetDocumentationCommentId()!)
            .ToList();
        Assert.Contains("M:Microsoft.CodeAnalysis.Diagnostics.OperationAnalysisContext.ReportDiagnostic(Microsoft.CodeAnalysis.Diagnostic)", reports);
        var descriptorConstructors = roslyn.GetTypeByMetadataName("Microsoft.CodeAnalysis.DiagnosticDescriptor")!.InstanceConstructors
            .Where(constructor => constructor.DeclaredAccessibility == Accessibility.Public)
            .Select(constructor => constructor.GetDocumentationCommentId()!)
            .ToList();
        Assert.NotEmpty(descriptorConstructors);

        var expected = new[] { ("M:Microsoft.CodeAnalysis.Compilation.GetTypeByMetadataName(System.String)", "KnownTypes") }
            .Concat(reports.Select(id => (id, "GeneratedCode.Report")))
            .Concat(descriptorConstructors.Select(id => (id, "Rules.Create")));
        foreach (var (id, place) in expected)
        {
            Assert.True(Banned.TryGetValue(id, out var message), $"src/BannedSymbols.txt does not ban {id}");
            Assert.Contains(place, message);
        }

        // And no entry is stale: each names an API (a misspelled ID bans nothing, silently).
        foreach (var id in Banned.Keys)
        {
            Assert.True(DocumentationCommentId.GetSymbolsForDeclarationId(id, roslyn).Any(), $"src/BannedSymbols.txt: {id} names no API");
        }
    }

    [SkippableFact]
    public async Task The_banned_api_analyzer_flags_each_house_rule_as_RS0030()
    {
        var folder = typeof(HouseRulesTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "BannedApiAnalyzers").Value;
        var path = Path.Combine(folder!, "analyzers", "dotnet", "cs", "Microsoft.CodeAnalysis.CSharp.BannedApiAnalyzers.dll");
        Assert.True(File.Exists(path), path);

        // The package is built against a newer Roslyn than the floor: it runs where the tests run on the latest one
        // (ParallelLint.Analyzers.LatestRoslyn.Tests), as it does in the .NET SDK that builds src/.
        var assembly = Assembly.LoadFrom(path);
        var required = assembly.GetReferencedAssemblies().Single(name => name.Name == "Microsoft.CodeAnalysis").Version!;
        var loaded = typeof(Compilation).Assembly.GetName().Version!;
        Skip.If(loaded < required, $"BannedApiAnalyzers needs Roslyn {required}; these tests run on {loaded}");

        var analyzers = assembly.GetExportedTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
            .ToImmutableArray();
        Assert.NotEmpty(analyzers);

        const string Source = """
            using Microsoft.CodeAnalysis;
            using Microsoft.CodeAnalysis.Diagnostics;

            internal sealed class Breaks
            {
                public INamedTypeSymbol? Resolve(Compilation compilation) => compilation.GetTypeByMetadataName("System.Math");

                public void Report(OperationAnalysisContext context, Diagnostic diagnostic) => context.ReportDiagnostic(diagnostic);

                public DiagnosticDescriptor Describe() => new("PL9999", "t", "m", "c", DiagnosticSeverity.Warning, true);
            }
            """;
        var compilation = TestReferences.Compile("HouseRules", new[] { CSharpSyntaxTree.ParseText(Source, path: "Breaks.cs") })
            .AddReferences(MetadataReference.CreateFromFile(typeof(Compilation).Assembly.Location))
            .WithOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var options = new AnalyzerOptions(ImmutableArray.Create<AdditionalText>(new FileText(BannedSymbolsPath)));
        var found = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();

        var banned = found.Where(d => d.Id == "RS0030").Select(d => d.GetMessage()).ToList();
        Assert.Equal(3, banned.Count);
        Assert.Contains(banned, message => message.Contains("GetTypeByMetadataName") && message.Contains("KnownTypes"));
        Assert.Contains(banned, message => message.Contains("ReportDiagnostic") && message.Contains("GeneratedCode.Report"));
        Assert.Contains(banned, message => message.Contains("DiagnosticDescriptor") && message.Contains("Rules.Create"));
    }

    /// <summary>A compilation that references Microsoft.CodeAnalysis, to resolve documentation IDs in.</summary>
    private static Compilation RoslynCompilation() =>
        TestReferences.Compile("Roslyn", Array.Empty<SyntaxTree>())
            .AddReferences(MetadataReference.CreateFromFile(typeof(Compilation).Assembly.Location));

    private sealed class FileText : AdditionalText
    {
        public FileText(string path) => Path = path;

        public override string Path { get; }

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(Path));
    }
}
