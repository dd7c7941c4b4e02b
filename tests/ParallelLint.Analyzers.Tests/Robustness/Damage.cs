using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelLint.Analyzers.Tests.Robustness;

/// <summary>A damaged copy of a source, and what was done to it (offsets into the text it was made from).</summary>
internal sealed record DamagedText(string Text, string Description);

/// <summary>
/// What an editor holds while the user types: the source cut off, tokens missing, braces unbalanced, a lambda or a
/// call typed only halfway (the rest of the file still there). Every choice comes from the given <see cref="Random"/>.
/// </summary>
internal static class Damage
{
    /// <summary>One kind of damage, done somewhere in <paramref name="scope"/> (the whole file, or a lambda in it).</summary>
    private delegate DamagedText? Kind(string text, SyntaxNode scope, Random random);

    private static readonly Kind[] Kinds = { Truncate, DeleteToken, DeleteTokenRun, UnbalanceBraces, HalfTypedLambda, HalfTypedCall };

    /// <summary>One to three damages in a row (most often one), each of a random kind.</summary>
    public static DamagedText Apply(string text, Random random)
    {
        var damages = random.Next(10) switch { < 7 => 1, < 9 => 2, _ => 3 };
        var descriptions = new List<string>();
        for (var i = 0; i < damages; i++)
        {
            // Half the time inside a lambda (most often a parallel body): where the rules look closest.
            var root = CSharpSyntaxTree.ParseText(text).GetRoot();
            var scope = random.Next(2) == 0 && TryPick(Lambdas(root), random, out var lambda) ? lambda : root;
            var damaged = Kinds[random.Next(Kinds.Length)](text, scope, random) ?? Truncate(text, scope, random)!;
            text = damaged.Text;
            descriptions.Add(damaged.Description);
        }

        return new DamagedText(text, string.Join(", then ", descriptions));
    }

    /// <summary>Every prefix in steps of <paramref name="step"/> characters: what the user passes through typing the file from the top.</summary>
    public static IEnumerable<DamagedText> Prefixes(string text, int step) =>
        Enumerable.Range(1, text.Length / step).Select(i => CutAt(text, i * step));

    /// <summary>Every <paramref name="every"/>th token deleted, one at a time.</summary>
    public static IEnumerable<DamagedText> TokenDeletions(string text, int every) =>
        Tokens(CSharpSyntaxTree.ParseText(text).GetRoot())
            .Where((_, index) => index % every == 0)
            .Select(token => Delete(text, token, token));

    private static DamagedText? Truncate(string text, SyntaxNode scope, Random random) =>
        CutAt(text, scope.FullSpan.Start + random.Next(scope.FullSpan.Length));

    private static DamagedText? DeleteToken(string text, SyntaxNode scope, Random random) =>
        TryPick(Tokens(scope), random, out var token) ? Delete(text, token, token) : null;

    private static DamagedText? DeleteTokenRun(string text, SyntaxNode scope, Random random)
    {
        var tokens = Tokens(scope);
        if (tokens.Count == 0)
        {
            return null;
        }

        var first = random.Next(tokens.Count);
        var last = Math.Min(tokens.Count - 1, first + random.Next(1, 8));
        return Delete(text, tokens[first], tokens[last]);
    }

    private static DamagedText? UnbalanceBraces(string text, SyntaxNode scope, Random random)
    {
        var braces = Tokens(scope).Where(token => token.Kind() is SyntaxKind.OpenBraceToken or SyntaxKind.CloseBraceToken).ToList();
        if (random.Next(2) == 0 && TryPick(braces, random, out var brace))
        {
            return Delete(text, brace, brace);
        }

        var at = TryPick(Tokens(scope), random, out var token) ? token.SpanStart : scope.SpanStart;
        var inserted = random.Next(2) == 0 ? "{" : "}";
        return new DamagedText(text.Insert(at, inserted), $"inserted '{inserted}' at offset {at}");
    }

    private static DamagedText? HalfTypedLambda(string text, SyntaxNode scope, Random random) =>
        TryPick(Lambdas(scope), random, out var lambda)
            ? TypedUpTo(text, lambda, lambda.SpanStart + 1 + random.Next(lambda.Span.Length - 1), "lambda")
            : null;

    private static DamagedText? HalfTypedCall(string text, SyntaxNode scope, Random random)
    {
        var calls = scope.DescendantNodesAndSelf()
            .Select(node => node switch
            {
                InvocationExpressionSyntax invocation => (Node: (SyntaxNode)invocation, Arguments: (SyntaxNode)invocation.ArgumentList),
                BaseObjectCreationExpressionSyntax { ArgumentList: { } arguments } creation => (creation, arguments),
                _ => default,
            })
            .Where(call => call.Node is not null && call.Arguments.Span.Length >= 2) // a parenthesis to type after (not one the parser made up)
            .ToList();
        if (!TryPick(calls, random, out var call))
        {
            return null;
        }

        // Typed at least up to the open parenthesis (the state in which completion and signature help run), at most up to the close.
        var (node, arguments) = call;
        return TypedUpTo(text, node, arguments.SpanStart + 1 + random.Next(arguments.Span.Length - 1), "call");
    }

    /// <summary><paramref name="node"/> typed up to <paramref name="at"/>: the rest of it is missing, the rest of the file is not.</summary>
    private static DamagedText TypedUpTo(string text, SyntaxNode node, int at, string what) =>
        new(text.Remove(at, node.Span.End - at), $"{what} at offset {node.SpanStart} typed up to offset {at} (of {node.Span.End})");

    private static DamagedText CutAt(string text, int at) => new(text[..at], $"truncated at offset {at}");

    private static DamagedText Delete(string text, SyntaxToken first, SyntaxToken last)
    {
        var length = last.Span.End - first.SpanStart;
        var deleted = text.Substring(first.SpanStart, length);
        return new DamagedText(
            text.Remove(first.SpanStart, length),
            $"deleted '{(deleted.Length > 40 ? deleted[..40] + "..." : deleted)}' at offset {first.SpanStart}");
    }

    private static List<AnonymousFunctionExpressionSyntax> Lambdas(SyntaxNode scope) => scope.DescendantNodesAndSelf().OfType<AnonymousFunctionExpressionSyntax>().ToList();

    private static List<SyntaxToken> Tokens(SyntaxNode scope) => scope.DescendantTokens().Where(token => !token.IsKind(SyntaxKind.EndOfFileToken) && token.Span.Length > 0).ToList();

    private static bool TryPick<T>(IReadOnlyList<T> items, Random random, out T picked)
    {
        picked = items.Count == 0 ? default! : items[random.Next(items.Count)];
        return items.Count > 0;
    }
}
