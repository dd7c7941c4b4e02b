using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL3003's fix: stage the data once before the per-item statement and pass each child the file's path instead:
/// <c>JobExecutor.Shared.Stage(...)</c> when the project references ParallelLint.Runtime, otherwise a temporary file
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
        var suffix = finding.Property(SameDataToEveryProcessAnalyzer.PathFlagSuffixProperty) ?? "-file";
        var environment = finding.Property(SameDataToEveryProcessAnalyzer.ChannelProperty) == SameDataToEveryProcessAnalyzer.Environment;
        if (Place.Of(data, environment, suffix) is not { } place)
        {
            return null;
        }

        var path = Staged(block, statement, value, anyPreceding: !inline && !bytes);
        if (path is not null)
        {
            return place.WithPath(root, path);
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
        var rewritten = ((StatementSyntax)place.WithPath(statement, path)).WithLeadingTrivia(indentation);
        if (place.Commented == statement)
        {
            rewritten = Place.WithComment(rewritten);
        }

        return root.ReplaceNode(statement, inserted.Append(rewritten));
    }

    /// <summary>
    /// Where the data was, renamed for a path, so that no flag made for data is handed a path: the flag right before
    /// it gets the suffix (<c>--data {x}</c>, <c>--data={x}</c>, <c>"--data", x</c>, <c>ArgumentList.Add("--data")</c>
    /// → <c>--data-file</c>; an environment key <c>FIT_DATA</c> → <c>FIT_DATA_FILE</c>); with no flag, the statement
    /// gets a comment that says what it now passes.
    /// </summary>
    private sealed class Place
    {
        private const string Comment = "// PL3003: now the path of a file holding the data";

        // A flag at the end of the text before the data: `--data `, `-data=`, `--data "`.
        private static readonly Regex FlagBefore = new(@"(?:^|\s)(?<flag>-{1,2}(?<name>[A-Za-z][A-Za-z0-9_-]*))(?:=|\s+)[""']?$", RegexOptions.CultureInvariant);
        private static readonly Regex WholeFlag = new(@"^-{1,2}(?<name>[A-Za-z][A-Za-z0-9_-]*)$", RegexOptions.CultureInvariant);

        private readonly ExpressionSyntax data;
        private readonly SyntaxNode? flag;
        private readonly SyntaxNode? renamed;

        private Place(ExpressionSyntax data, SyntaxNode? flag, SyntaxNode? renamed, StatementSyntax? commented)
        {
            this.data = data;
            this.flag = flag;
            this.renamed = renamed;
            Commented = commented;
        }

        /// <summary>The statement that gets the comment (no flag to rename), or null.</summary>
        public StatementSyntax? Commented { get; }

        /// <summary>
        /// Null for a one-letter flag (<c>-d {x}</c>): getopt reads <c>-d-file</c> as <c>-d</c> with the value
        /// <c>-file</c>, and keeping <c>-d</c> hands a path to a flag that expects data; only the author knows the name.
        /// </summary>
        public static Place? Of(ExpressionSyntax data, bool environment, string suffix)
        {
            var (flag, text) = environment ? Key(data) : Flag(data);
            if (flag is null)
            {
                return new Place(data, null, null, data.FirstAncestorOrSelf<StatementSyntax>());
            }

            if (environment)
            {
                var keySuffix = suffix.Replace('-', '_');
                return Renamed(flag, text!, text! + (text!.Any(char.IsLower) ? keySuffix : keySuffix.ToUpperInvariant())) is { } key
                    ? new Place(data, flag, key, null)
                    : new Place(data, null, null, data.FirstAncestorOrSelf<StatementSyntax>());
            }

            // A list element is the flag itself (`"--data"`); a string before the data ends with one (`"--seed 1 --data "`).
            var match = WholeFlag.Match(text!) is { Success: true } whole ? whole : FlagBefore.Match(text!);
            if (!match.Success)
            {
                return new Place(data, null, null, data.FirstAncestorOrSelf<StatementSyntax>());
            }

            if (match.Groups["name"].Length == 1)
            {
                return null;
            }

            var name = match.Groups["flag"].Success ? match.Groups["flag"].Value : match.Value;
            return Renamed(flag, name, name + suffix) is { } renamed
                ? new Place(data, flag, renamed, null)
                : null;
        }

        /// <summary><paramref name="scope"/> with the path where the data was, and the flag renamed or the comment added.</summary>
        public SyntaxNode WithPath(SyntaxNode scope, string path)
        {
            var nodes = new List<SyntaxNode> { data };
            if (flag is not null)
            {
                nodes.Add(flag);
            }

            if (Commented is not null && Commented != scope)
            {
                nodes.Add(Commented);
            }

            return scope.ReplaceNodes(nodes, (original, rewritten) =>
                original == data ? IdentifierName(path).WithTriviaFrom(data)
                : original == flag ? renamed!
                : WithComment((StatementSyntax)rewritten));
        }

        public static StatementSyntax WithComment(StatementSyntax statement)
        {
            var leading = statement.GetLeadingTrivia();
            if (leading.Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) && t.ToString() == Comment))
            {
                return statement;
            }

            var indentation = leading.Reverse().TakeWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse();
            var newLine = statement.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            return statement.WithLeadingTrivia(leading.Add(SyntaxFactory.Comment(Comment)).Add(newLine == default ? ElasticLineFeed : newLine).AddRange(indentation));
        }

        /// <summary>The command-line text right before the data: the flag's string literal, or the text it ends.</summary>
        private static (SyntaxNode? Node, string? Text) Flag(ExpressionSyntax data)
        {
            switch (data.Parent)
            {
                // `$"--data {x}"`; a hole first in its string looks before the string.
                case InterpolationSyntax { Parent: InterpolatedStringExpressionSyntax text } hole:
                    var index = text.Contents.IndexOf(hole);
                    return index > 0
                        ? text.Contents[index - 1] is InterpolatedStringTextSyntax textBefore ? (textBefore, textBefore.TextToken.ValueText) : (null, null)
                        : Flag(text);

                // `"--data " + x`, `a + "--data " + x`
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } add when add.Right == data:
                    return Text(add.Left is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } left ? left.Right : add.Left);

                // `new[] { "--data", x }`, `ArgumentList = { "--data", x }`, `["--data", x]`
                case InitializerExpressionSyntax list when list.Expressions.IndexOf(data) > 0:
                    return Literal(list.Expressions[list.Expressions.IndexOf(data) - 1]);
                case ExpressionElementSyntax { Parent: CollectionExpressionSyntax collection } element when collection.Elements.IndexOf(element) > 0:
                    return collection.Elements[collection.Elements.IndexOf(element) - 1] is ExpressionElementSyntax before ? Literal(before.Expression) : (null, null);

                // `psi.ArgumentList.Add("--data"); psi.ArgumentList.Add(x);`
                case ArgumentSyntax { Parent: ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax { Parent: ExpressionStatementSyntax { Parent: BlockSyntax block } statement } add } }
                    when Added(add) is { } list && block.Statements.IndexOf(statement) > 0 &&
                         block.Statements[block.Statements.IndexOf(statement) - 1] is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax previous } &&
                         Added(previous) is { } previousList && previousList.IsEquivalentTo(list, topLevel: false):
                    return Literal(previous.ArgumentList.Arguments[0].Expression);
                default:
                    return (null, null);
            }
        }

        /// <summary>The environment key the data is set under, as a string literal: <c>Environment["K"] = x</c>, <c>Environment.Add("K", x)</c>.</summary>
        private static (SyntaxNode? Node, string? Text) Key(ExpressionSyntax data) => data.Parent switch
        {
            AssignmentExpressionSyntax { Left: ElementAccessExpressionSyntax { ArgumentList.Arguments: { Count: 1 } keys } } assignment when assignment.Right == data => Literal(keys[0].Expression),
            AssignmentExpressionSyntax { Left: ImplicitElementAccessSyntax { ArgumentList.Arguments: { Count: 1 } keys } } assignment when assignment.Right == data => Literal(keys[0].Expression),
            ArgumentSyntax { Parent: ArgumentListSyntax { Arguments: { Count: 2 } arguments } } when arguments[1].Expression == data => Literal(arguments[0].Expression),
            _ => (null, null),
        };

        private static ExpressionSyntax? Added(InvocationExpressionSyntax call) =>
            call is { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Add", Expression: var list }, ArgumentList.Arguments.Count: 1 } ? list : null;

        private static (SyntaxNode? Node, string? Text) Literal(ExpressionSyntax expression) =>
            expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal ? (literal, literal.Token.ValueText) : (null, null);

        private static (SyntaxNode? Node, string? Text) Text(ExpressionSyntax expression) => expression switch
        {
            LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } => Literal(expression),
            InterpolatedStringExpressionSyntax { Contents: { Count: > 0 } contents } when contents[contents.Count - 1] is InterpolatedStringTextSyntax last => (last, last.TextToken.ValueText),
            _ => (null, null),
        };

        /// <summary>The literal or string text with <paramref name="name"/>'s last occurrence renamed, as written (escapes kept); null where it is not written plainly.</summary>
        private static SyntaxNode? Renamed(SyntaxNode node, string name, string newName)
        {
            var token = node is LiteralExpressionSyntax literal ? literal.Token : ((InterpolatedStringTextSyntax)node).TextToken;
            var (at, valueAt) = (token.Text.LastIndexOf(name, StringComparison.Ordinal), token.ValueText.LastIndexOf(name, StringComparison.Ordinal));
            if (at < 0 || valueAt < 0)
            {
                return null;
            }

            var text = token.Text.Remove(at, name.Length).Insert(at, newName);
            var value = token.ValueText.Remove(valueAt, name.Length).Insert(valueAt, newName);
            return node is LiteralExpressionSyntax original
                ? original.WithToken(SyntaxFactory.Literal(token.LeadingTrivia, text, value, token.TrailingTrivia))
                : ((InterpolatedStringTextSyntax)node).WithTextToken(Token(token.LeadingTrivia, SyntaxKind.InterpolatedStringTextToken, text, value, token.TrailingTrivia));
        }
    }

    /// <summary><c>var path = JobExecutor.Shared.Stage("name", value);</c>: the process's executor, so no folder is left per call.</summary>
    private static IEnumerable<StatementSyntax> StageWithRuntime(string path, string fileName, ExpressionSyntax value)
    {
        var executor = ParseExpression("ParallelLint.Runtime.Jobs.JobExecutor").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        var stage = InvocationExpression(
            MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression,
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, executor, IdentifierName("Shared")),
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
