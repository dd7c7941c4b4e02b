using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL3003's fix: stage the data once before the per-item statement and pass each child the file's path instead:
/// <c>JobExecutor.Local().Stage(...)</c> when the project references ParallelLint.Runtime, otherwise a temporary file
/// (<c>Path.GetTempFileName</c>, owner-only on Unix) written once. Offered for the command line and the environment
/// only: standard input carries a stream that the child reads as data, and no path can stand for it there.
/// </summary>
/// <remarks>
/// The child then receives a path instead of the data: its command-line contract changes, which is why the fix is
/// offered, never applied silently by a build.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SameDataToEveryProcessFixer))]
public sealed class SameDataToEveryProcessFixer : RewriteFixer
{
    internal const string EquivalenceKey = "PL3003.StageOnce";

    /// <summary>The fix for SameDataToEveryProcess's diagnostics.</summary>
    public SameDataToEveryProcessFixer()
        : base(RuleIds.SameDataToEveryProcess, new Fix(EquivalenceKey, finding => $"Stage '{Shorten(finding.Node.ToString())}' once and pass its path"))
    {
    }

    // First in the text first: a second channel of the same data reuses the path staged for the first.
    private protected override bool FirstInTextFirst => true;

    /// <inheritdoc/>
    /// <remarks>The data and the per-item statement (the additional location) as they are, not their enclosing call.</remarks>
    private protected override SyntaxNode? Locate(SyntaxNode root, TextSpan span) =>
        root.FullSpan.Contains(span) && root.FindNode(span, getInnermostNodeForTie: true) is { } node && node.Span == span ? node : null;

    /// <inheritdoc/>
    private protected override Task<Document?> FixAsync(Finding finding, string equivalenceKey, CancellationToken cancellation) =>
        finding.CompleteAsync(IsFixable(finding) ? Stage(finding, cancellation) : null, cancellation);

    private static bool IsFixable(Finding finding) =>
        finding.Property(SameDataToEveryProcessAnalyzer.ChannelProperty) is SameDataToEveryProcessAnalyzer.CommandLine or SameDataToEveryProcessAnalyzer.Environment &&
        finding.Property(SameDataToEveryProcessAnalyzer.DataProperty) is SameDataToEveryProcessAnalyzer.HoistedLocal or SameDataToEveryProcessAnalyzer.Inline;

    private static string Shorten(string text)
    {
        text = string.Join(" ", text.Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));
        return text.Length > 60 ? text.Substring(0, 57) + "..." : text;
    }

    private static SyntaxNode? Stage(Finding finding, CancellationToken cancellation)
    {
        var (root, model) = (finding.Root, finding.Model);
        if (finding.Node is not ExpressionSyntax data ||
            finding.Additional?.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax block } statement ||
            !statement.Span.Contains(data.Span))
        {
            return null;
        }

        var inline = finding.Property(SameDataToEveryProcessAnalyzer.DataProperty) == SameDataToEveryProcessAnalyzer.Inline;
        if (!inline && data is not IdentifierNameSyntax)
        {
            return null;
        }

        var value = data.WithoutTrivia();
        var bytes = model.GetTypeInfo(data, cancellation).Type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte };

        // A path already staged for the same data right before this statement (another channel): reuse it.
        var path = Staged(block, statement, value, anyPreceding: !inline && !bytes);
        if (path is not null)
        {
            return root.ReplaceNode(data, IdentifierName(path).WithTriviaFrom(data));
        }

        var stem = Stem(data, inline);
        path = Names.Unique(Camel(stem) + "Path", model, statement.SpanStart, Names.EnclosingMember(statement, cancellation));
        var extension = finding.Property(SameDataToEveryProcessAnalyzer.ExtensionProperty) is { Length: > 0 } known
            ? known
            : bytes ? "bin" : "txt";
        var staging = KnownTypes.Of(model.Compilation).JobExecutor is not null
            ? StageWithRuntime(path, Camel(FileName(stem)) + "." + extension, value)
            : StageInTemporaryFile(path, value, bytes);

        // The staging takes the statement's leading trivia (comments stay first); every line keeps its indentation.
        var indentation = Indentation(statement);
        var newLine = statement.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        var endOfLine = newLine == default ? ElasticLineFeed : newLine;
        var inserted = staging
            .Select((s, index) => s
                .WithLeadingTrivia(index == 0 ? statement.GetLeadingTrivia() : indentation)
                .WithTrailingTrivia(endOfLine)
                .WithAdditionalAnnotations(Formatter.Annotation))
            .ToList();
        var rewritten = statement.ReplaceNode(data, IdentifierName(path).WithTriviaFrom(data)).WithLeadingTrivia(indentation);
        return root.ReplaceNode(statement, inserted.Append(rewritten));
    }

    /// <summary><c>var path = JobExecutor.Local().Stage("name", value);</c></summary>
    private static IEnumerable<StatementSyntax> StageWithRuntime(string path, string fileName, ExpressionSyntax value)
    {
        var executor = ParseExpression("ParallelLint.Runtime.Jobs.JobExecutor").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        var stage = InvocationExpression(
            MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression,
                InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, executor, IdentifierName("Local"))),
                IdentifierName("Stage")),
            ArgumentList(SeparatedList(new[] { Argument(LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(fileName))), Argument(value) })));
        yield return Declaration(path, stage);
    }

    /// <summary><c>var path = Path.GetTempFileName(); File.WriteAllText(path, value);</c></summary>
    private static IEnumerable<StatementSyntax> StageInTemporaryFile(string path, ExpressionSyntax value, bool bytes)
    {
        yield return Declaration(path, ParseExpression("System.IO.Path.GetTempFileName()").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
        var write = ParseExpression(bytes ? "System.IO.File.WriteAllBytes" : "System.IO.File.WriteAllText")
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        yield return ExpressionStatement(InvocationExpression(
            write,
            ArgumentList(SeparatedList(new[] { Argument(IdentifierName(path)), Argument(value) }))));
    }

    private static LocalDeclarationStatementSyntax Declaration(string name, ExpressionSyntax value) =>
        LocalDeclarationStatement(VariableDeclaration(
            IdentifierName("var"),
            SingletonSeparatedList(VariableDeclarator(Identifier(name)).WithInitializer(EqualsValueClause(value)))));

    /// <summary>
    /// The local that already holds a staged copy of <paramref name="value"/>: among the staging statements right
    /// before <paramref name="statement"/> (nothing runs in between), or <paramref name="anyPreceding"/> statement of
    /// the block (a string local that is never reassigned cannot change).
    /// </summary>
    private static string? Staged(BlockSyntax block, StatementSyntax statement, ExpressionSyntax value, bool anyPreceding)
    {
        var index = block.Statements.IndexOf(statement);
        for (var i = index - 1; i >= 0; i--)
        {
            var candidate = block.Statements[i];
            switch (candidate)
            {
                case LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables }
                    when variables[0].Initializer?.Value is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Stage" }, ArgumentList.Arguments: { Count: 2 } arguments } &&
                         arguments[1].Expression.IsEquivalentTo(value, topLevel: false):
                    return variables[0].Identifier.ValueText;
                case ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "WriteAllText" or "WriteAllBytes" }, ArgumentList.Arguments: { Count: 2 } arguments } }
                    when arguments[0].Expression is IdentifierNameSyntax file && arguments[1].Expression.IsEquivalentTo(value, topLevel: false):
                    return file.Identifier.ValueText;
            }

            if (!anyPreceding && !IsStaging(candidate))
            {
                return null;
            }
        }

        return null;
    }

    private static bool IsStaging(StatementSyntax statement) => statement switch
    {
        LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables } =>
            variables[0].Initializer?.Value is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Stage" or "GetTempFileName" } },
        ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "WriteAllText" or "WriteAllBytes" } } } => true,
        _ => false,
    };

    /// <summary>What the data is called: the local's name, or the data argument of an inline serializer call.</summary>
    private static string Stem(ExpressionSyntax data, bool inline)
    {
        if (!inline)
        {
            return ((IdentifierNameSyntax)data).Identifier.ValueText;
        }

        if (data is InvocationExpressionSyntax call)
        {
            foreach (var argument in call.ArgumentList.Arguments.Reverse())
            {
                switch (argument.Expression)
                {
                    case IdentifierNameSyntax name:
                        return name.Identifier.ValueText;
                    case MemberAccessExpressionSyntax member:
                        return member.Name.Identifier.ValueText;
                }
            }
        }

        return "data";
    }

    // settingsJson.json reads worse than settings.json: a suffix that only repeats the format goes.
    private static string FileName(string stem)
    {
        foreach (var suffix in new[] { "Json", "Text", "Bytes", "Base64" })
        {
            if (stem.Length > suffix.Length && stem.EndsWith(suffix, StringComparison.Ordinal))
            {
                return stem.Substring(0, stem.Length - suffix.Length);
            }
        }

        return stem;
    }

    private static string Camel(string name) =>
        name.Length > 0 && char.IsUpper(name[0]) ? char.ToLowerInvariant(name[0]) + name.Substring(1) : name.TrimStart('@', '_');

    private static SyntaxTriviaList Indentation(StatementSyntax statement)
    {
        var leading = statement.GetLeadingTrivia();
        var indentation = new List<SyntaxTrivia>();
        for (var i = leading.Count - 1; i >= 0 && leading[i].IsKind(SyntaxKind.WhitespaceTrivia); i--)
        {
            indentation.Insert(0, leading[i]);
        }

        return TriviaList(indentation);
    }
}
