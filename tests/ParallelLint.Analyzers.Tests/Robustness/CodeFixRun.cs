using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.Analyzers.Tests.Robustness;

/// <summary>What applying fixes to one input did: the fixes applied (each described) and every failure, described for a message.</summary>
internal sealed record CodeFixRunResult(ImmutableArray<string> Applied, ImmutableArray<string> Failures);

/// <summary>
/// Applies every fix the fixers offer for every analyzer diagnostic of a project, one at a time, and Fix All in the
/// document where a fix applies to several diagnostics, as the IDE would. A fix fails when it throws or leaves more
/// compiler errors of some kind (id and message) than the code had before it.
/// </summary>
internal static class CodeFixRun
{
    /// <summary>Every fixer ParallelLint ships.</summary>
    public static ImmutableArray<CodeFixProvider> Fixers { get; } = typeof(CodeFixes.NestedParallelConstructFixer).Assembly.GetTypes()
        .Where(type => !type.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(type))
        .Select(type => (CodeFixProvider)Activator.CreateInstance(type)!)
        .ToImmutableArray();

    /// <summary>A workspace project of <paramref name="compilation"/>'s trees, options and references.</summary>
    public static Project CreateProject(Compilation compilation)
    {
        var name = compilation.AssemblyName ?? "Project";
        var project = new AdhocWorkspace().CurrentSolution
            .AddProject(name, name, LanguageNames.CSharp)
            .WithCompilationOptions(compilation.Options)
            .WithParseOptions(compilation.SyntaxTrees.FirstOrDefault()?.Options ?? CSharpParseOptions.Default)
            .AddMetadataReferences(compilation.References);
        foreach (var tree in compilation.SyntaxTrees)
        {
            project = project.AddDocument(tree.FilePath, tree.GetText(), filePath: tree.FilePath).Project;
        }

        return project;
    }

    /// <summary>Every fix of <paramref name="fixers"/> for what <paramref name="analyzers"/> report on <paramref name="project"/>; failures name the fix, the finding and <paramref name="input"/>.</summary>
    public static async Task<CodeFixRunResult> RunAsync(
        Project project,
        ImmutableArray<DiagnosticAnalyzer> analyzers,
        ImmutableArray<CodeFixProvider> fixers,
        string input)
    {
        var applied = new List<string>();
        var failures = new List<string>();
        var compilation = (await project.GetCompilationAsync())!;
        var diagnostics = await compilation.WithAnalyzers(analyzers, AnalyzerRun.Options(onAnalyzerException: null)).GetAnalyzerDiagnosticsAsync();
        foreach (var inDocument in diagnostics.Where(d => d.Location.IsInSource).GroupBy(d => d.Location.SourceTree!))
        {
            var document = project.GetDocument(inDocument.Key)!;
            foreach (var fixer in fixers)
            {
                var fixable = inDocument.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id)).OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
                var offeredKeys = new List<string>();
                foreach (var diagnostic in fixable)
                {
                    var where = $"{fixer.GetType().Name} on {diagnostic.Id} at {Position(diagnostic.Location)} of {input}";
                    foreach (var action in await Attempt(() => OfferedAsync(fixer, document, diagnostic), where, failures) ?? new List<CodeAction>())
                    {
                        offeredKeys.Add(action.EquivalenceKey ?? action.Title);
                        await ApplyAsync(action, $"'{action.Title}' of {where}");
                    }
                }

                // One diagnostic's Fix All is its fix, which the rule tests' Fix All runs cover: only repeated keys are worth the time.
                foreach (var key in offeredKeys.GroupBy(key => key).Where(group => group.Count() > 1).Select(group => group.Key))
                {
                    var where = $"Fix All in document '{key}' of {fixer.GetType().Name} on {input}";
                    if (await Attempt(() => FixAllAsync(fixer, document, key, fixable), where, failures) is { } fixAll)
                    {
                        await ApplyAsync(fixAll, where);
                    }
                }
            }
        }

        return new CodeFixRunResult(applied.ToImmutableArray(), failures.ToImmutableArray());

        async Task ApplyAsync(CodeAction action, string where)
        {
            var operations = await Attempt(async () => (await action.GetOperationsAsync(CancellationToken.None)).ToList(), where, failures);
            if (operations?.OfType<ApplyChangesOperation>().SingleOrDefault()?.ChangedSolution.GetProject(project.Id) is not { } changed)
            {
                return;
            }

            applied.Add(where);
            if (await IntroducedErrorsAsync(project, changed) is { Count: > 0 } introduced)
            {
                failures.Add($"{where} introduced compiler errors:{Environment.NewLine}" + string.Join(Environment.NewLine, introduced.Select(Describe)));
            }
        }
    }

    private static async Task<List<CodeAction>> OfferedAsync(CodeFixProvider fixer, Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        return actions;
    }

    private static async Task<CodeAction?> FixAllAsync(CodeFixProvider fixer, Document document, string key, ImmutableArray<Diagnostic> diagnostics)
    {
        if (fixer.GetFixAllProvider() is not { } provider || !provider.GetSupportedFixAllScopes().Contains(FixAllScope.Document))
        {
            return null;
        }

        var context = new FixAllContext(
            document,
            fixer,
            FixAllScope.Document,
            key,
            diagnostics.Select(d => d.Id).Distinct(),
            new ReportedDiagnostics(diagnostics),
            CancellationToken.None);
        return await provider.GetFixAsync(context);
    }

    /// <summary>The result of <paramref name="step"/>, or null with its exception added to <paramref name="failures"/>.</summary>
    private static async Task<T?> Attempt<T>(Func<Task<T>> step, string where, List<string> failures)
        where T : class?
    {
        try
        {
            return await step();
        }
        catch (Exception exception)
        {
            failures.Add($"{where} threw:{Environment.NewLine}    {exception.ToString().Replace(Environment.NewLine, Environment.NewLine + "    ")}");
            return null;
        }
    }

    /// <summary>
    /// The errors of which the fixed project, read back from its text, has more (by id and message: positions move, kinds do not). Only the
    /// changed documents are compiled again, unless the fix changed what they declare: the other documents bind to
    /// nothing else, and recompiling a whole project per fix would cost most of the test's time.
    /// </summary>
    private static async Task<List<Diagnostic>> IntroducedErrorsAsync(Project before, Project after)
    {
        var changes = after.GetChanges(before);
        var documents = changes.GetChangedDocuments().Concat(changes.GetAddedDocuments()).ToList();

        // The host applies a fix as text and parses it again: that is what is judged, not the rewritten tree, which
        // may read back otherwise (a node of broken code moved with the tokens the parser skipped in it).
        foreach (var id in documents)
        {
            var text = await after.GetDocument(id)!.GetTextAsync();
            after = after.Solution.WithDocumentText(id, SourceText.From(text.ToString(), text.Encoding)).GetProject(after.Id)!;
        }

        var errorsBefore = new List<Diagnostic>();
        var errorsAfter = new List<Diagnostic>();
        var declarationsChanged = false;
        foreach (var id in documents)
        {
            var modelAfter = (await after.GetDocument(id)!.GetSemanticModelAsync())!;
            var modelBefore = before.GetDocument(id) is { } original ? await original.GetSemanticModelAsync() : null;
            errorsAfter.AddRange(Errors(modelAfter.GetDiagnostics()));
            errorsBefore.AddRange(Errors(modelBefore?.GetDiagnostics() ?? ImmutableArray<Diagnostic>.Empty));
            declarationsChanged |= modelBefore is null || !Declarations(modelBefore).SequenceEqual(Declarations(modelAfter));
        }

        if (declarationsChanged)
        {
            errorsBefore = Errors((await before.GetCompilationAsync())!.GetDiagnostics()).ToList();
            errorsAfter = Errors((await after.GetCompilationAsync())!.GetDiagnostics()).ToList();
        }

        var remaining = errorsBefore.GroupBy(Kind).ToDictionary(group => group.Key, group => group.Count());
        var introduced = new List<Diagnostic>();
        foreach (var error in errorsAfter)
        {
            if (remaining.TryGetValue(Kind(error), out var count) && count > 0)
            {
                remaining[Kind(error)] = count - 1;
            }
            else
            {
                introduced.Add(error);
            }
        }

        return introduced;

        static string Kind(Diagnostic error) => error.Id + " " + error.GetMessage();
    }

    private static IEnumerable<Diagnostic> Errors(ImmutableArray<Diagnostic> diagnostics) => diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>What a document declares for the others to see: its types and members, with their signatures, in order.</summary>
    private static IEnumerable<string> Declarations(SemanticModel model) => model.SyntaxTree.GetRoot()
        .DescendantNodes(node => node is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax)
        .SelectMany(node => node switch
        {
            BaseFieldDeclarationSyntax field => field.Declaration.Variables.Select(variable => model.GetDeclaredSymbol(variable)),
            MemberDeclarationSyntax member => new[] { model.GetDeclaredSymbol(member) },
            _ => Array.Empty<ISymbol?>(),
        })
        .Select(symbol => symbol is null ? "" : $"{symbol.DeclaredAccessibility} {symbol.IsStatic} {symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}");

    private static string Describe(Diagnostic error) =>
        $"    {error.Id} {error.GetMessage()} at {Position(error.Location)}: {error.Location.SourceTree?.GetText().Lines.GetLineFromPosition(error.Location.SourceSpan.Start).ToString().Trim()}";

    private static string Position(Location location) =>
        location.GetLineSpan() is { Path: var path, StartLinePosition: var start } ? $"{path}({start.Line + 1},{start.Character + 1})" : "?";

    /// <summary>Fix All's diagnostics: the ones the analyzers reported on the document.</summary>
    private sealed class ReportedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
