using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ParallelLint.Analyzers.Tests.Verifiers;

namespace ParallelLint.Analyzers.Tests.Robustness;

/// <summary>One C# source the robustness tests feed the analyzers: its name says where it comes from.</summary>
internal sealed record SourceFile(string Name, string Text);

/// <summary>Sources compiled together (one project of the repository), with what the project gives them implicitly.</summary>
internal sealed record SourceProject(string Name, ImmutableArray<SourceFile> Files)
{
    private readonly Lazy<CSharpCompilation> compilation = new(() => Corpus.Compile(Name[(Name.LastIndexOf('/') + 1)..], Files.Select(Corpus.Parse).Concat(ImplicitTrees(Name))));

    /// <summary>The project's compilation, made once: variants of its files replace one tree of it.</summary>
    public CSharpCompilation Compilation => compilation.Value;

    // For projects with implicit usings, the global usings the SDK would generate.
    private static IEnumerable<SyntaxTree> ImplicitTrees(string name) =>
        name.StartsWith("samples/", StringComparison.Ordinal) ? new[] { Corpus.Parse(TestSources.ImplicitUsings, "ImplicitUsings.cs") } : Array.Empty<SyntaxTree>();
}

/// <summary>
/// What the robustness tests analyze: every C# file of the repository (src/, tests/, samples/), and the code of the
/// rule tests as the tests build it (the snippets of tests/.../Rules wrapped by their file's <c>Code</c> or
/// <c>Method</c> helper, markup removed): the richest code in parallel constructs there is.
/// </summary>
internal static class Corpus
{
    private static readonly string[] SourceFolders = { "src", "tests", "samples" };

    // The test helpers that turn a snippet into a whole source, by the name every rule test file gives them.
    private static readonly string[] SnippetWrappers = { "Code", "Method" };

    // Microsoft.CodeAnalysis.Testing markup: {|PL1001:text|}, {|#0:text|}, [|text|].
    private static readonly Regex Markup = new(@"\{\|[^:|{}\s]*:|\|\}|\[\||\|\]");

    public static ImmutableArray<SourceProject> RepositoryProjects { get; } = LoadRepositoryProjects();

    public static ImmutableArray<SourceFile> RepositoryFiles { get; } = RepositoryProjects.SelectMany(project => project.Files).ToImmutableArray();

    public static ImmutableArray<SourceFile> RuleTestSources { get; } = LoadRuleTestSources();

    /// <summary>Every source, in a fixed order: what a seed picks from.</summary>
    public static ImmutableArray<SourceFile> All { get; } = RepositoryFiles.AddRange(RuleTestSources);

    /// <summary>
    /// The framework, the runtime and every library the tests' output holds (Roslyn, xunit, the thread-pool libraries,
    /// ParallelLint's own assemblies): what the repository's files use binds, so the analyzers see real symbols.
    /// </summary>
    public static ImmutableArray<MetadataReference> References { get; } = LoadReferences();

    public static SyntaxTree Parse(SourceFile file) => Parse(file.Text, file.Name);

    public static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest), path);

    /// <summary>
    /// A compilation of <paramref name="trees"/> against <see cref="References"/>, an executable where there are
    /// top-level statements; named after the project, for the internals its references make visible to it.
    /// </summary>
    public static CSharpCompilation Compile(string assemblyName, IEnumerable<SyntaxTree> trees)
    {
        var all = trees.ToArray();
        var kind = all.Any(tree => tree.GetRoot() is CompilationUnitSyntax unit && unit.Members.OfType<GlobalStatementSyntax>().Any())
            ? OutputKind.ConsoleApplication
            : OutputKind.DynamicallyLinkedLibrary;
        return CSharpCompilation.Create(assemblyName, all, References, new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>The project <paramref name="file"/> belongs to, or null for a rule test source (which stands alone).</summary>
    public static SourceProject? ProjectOf(SourceFile file) => RepositoryProjects.FirstOrDefault(project => project.Files.Contains(file));

    /// <summary>
    /// One compilation of rule test sources, each in a namespace of its own so that their classes do not collide;
    /// sources that cannot be wrapped (<see cref="FitsInCodeBase"/>) are left out.
    /// </summary>
    public static CSharpCompilation RuleTestCodeBase(IEnumerable<SourceFile> sources) => Compile(
        "RuleTestCode",
        sources.Where(FitsInCodeBase).Select((source, index) => Parse(
            source.Text.Insert(source.Text.Length, "\n}\n").Insert(Unit(source).Members[0].FullSpan.Start, $"namespace RuleTestCode{index}\n{{\n"),
            source.Name)));

    /// <summary>Whether <paramref name="source"/> can be wrapped in a namespace: it has members, no top-level statements and no file-scoped namespace.</summary>
    public static bool FitsInCodeBase(SourceFile source) =>
        Unit(source).Members is { Count: > 0 } members && !members.Any(member => member is GlobalStatementSyntax or FileScopedNamespaceDeclarationSyntax);

    private static CompilationUnitSyntax Unit(SourceFile source) => (CompilationUnitSyntax)Parse(source).GetRoot();

    private static ImmutableArray<SourceProject> LoadRepositoryProjects()
    {
        var root = Analyzers.Tests.RepositoryFiles.Root;
        return SourceFolders
            .Select(folder => Path.Combine(root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(segment => segment is "bin" or "obj"))
            .OrderBy(path => path, StringComparer.Ordinal)
            .GroupBy(path => string.Join('/', path.Split('/').Take(2)))
            .Select(project => new SourceProject(
                project.Key,
                project.Select(path => new SourceFile(path, File.ReadAllText(Path.Combine(root, path)))).ToImmutableArray()))
            .ToImmutableArray();
    }

    private static ImmutableArray<SourceFile> LoadRuleTestSources()
    {
        var sources = new List<SourceFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var testClasses = typeof(Corpus).Assembly.GetTypes().Where(type => type.Namespace == "ParallelLint.Analyzers.Tests.Rules");
        foreach (var type in testClasses.OrderBy(type => type.Name, StringComparer.Ordinal))
        {
            var path = $"tests/ParallelLint.Analyzers.Tests/Rules/{type.Name}.cs";
            var file = RepositoryFiles.FirstOrDefault(candidate => candidate.Name == path);
            if (file is null)
            {
                continue;
            }

            var wrap = Wrapper(type);
            var literals = Parse(file).GetRoot().DescendantTokens()
                .Where(token => token.Kind() is SyntaxKind.StringLiteralToken or SyntaxKind.MultiLineRawStringLiteralToken or SyntaxKind.SingleLineRawStringLiteralToken);
            foreach (var literal in literals)
            {
                var snippet = Markup.Replace(literal.ValueText, "");
                var source = IsWholeSource(snippet) ? snippet : wrap?.Invoke(snippet);

                // Strings that are not code (messages, .editorconfig lines) do not parse once wrapped: they are left out.
                if (source is not null && IsWholeSource(source) && seen.Add(source))
                {
                    var start = literal.GetLocation().GetLineSpan().StartLinePosition;
                    sources.Add(new SourceFile($"{path}:{start.Line + 1}:{start.Character + 1}", source));
                }
            }
        }

        return sources.ToImmutableArray();
    }

    /// <summary>A whole source: it parses without errors and declares a type.</summary>
    private static bool IsWholeSource(string text)
    {
        var tree = CSharpSyntaxTree.ParseText(text);
        return !tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error) &&
            tree.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>().Any();
    }

    /// <summary>The test class's own helper that wraps a snippet into a source, called with its defaults for the other parameters.</summary>
    private static Func<string, string?>? Wrapper(Type testClass)
    {
        var method = testClass.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .FirstOrDefault(m => SnippetWrappers.Contains(m.Name) && m.ReturnType == typeof(string) &&
                m.GetParameters() is [{ ParameterType: var first }, .. var rest] && first == typeof(string) && rest.All(p => p.HasDefaultValue));
        return method is null
            ? null
            : snippet => (string?)method.Invoke(null, method.GetParameters().Select((p, i) => i == 0 ? snippet : p.DefaultValue).ToArray());
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var framework = TestReferences.Framework;
        var frameworkNames = framework.Select(reference => Path.GetFileName(reference.Display)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var testAssembly = Path.GetFileName(typeof(Corpus).Assembly.Location);
        var libraries = Directory.GetFiles(AppContext.BaseDirectory, "*.dll")
            .Where(path => Path.GetFileName(path) is var name && !frameworkNames.Contains(name) && name != testAssembly && name != "testhost.dll")
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        return framework.AddRange(libraries);
    }
}
