using System.Globalization;

namespace ParallelLint.CodeFixes.Rewriting;

/// <summary>Names for the locals and parameters a fix introduces.</summary>
internal static class Names
{
    /// <summary>
    /// <paramref name="name"/>, or it with the first free number from <paramref name="firstSuffix"/> on: free of every
    /// symbol in scope at <paramref name="position"/> and of every identifier spelled in <paramref name="spelledIn"/>
    /// (locals declared later, or in the code the name will be used in, would clash too).
    /// </summary>
    public static string Unique(string name, SemanticModel model, int position, SyntaxNode spelledIn, int firstSuffix = 2)
    {
        var taken = new HashSet<string>(
            spelledIn.DescendantTokens().Where(token => token.IsKind(SyntaxKind.IdentifierToken)).Select(token => token.ValueText),
            System.StringComparer.Ordinal);
        taken.UnionWith(model.LookupSymbols(position).Select(symbol => symbol.Name));
        var candidate = name;
        for (var suffix = firstSuffix; taken.Contains(candidate); suffix++)
        {
            candidate = name + suffix.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    /// <summary>The member of a type that holds <paramref name="node"/>, or the whole file for top-level code.</summary>
    public static SyntaxNode EnclosingMember(SyntaxNode node, CancellationToken cancellation) =>
        node.Ancestors().FirstOrDefault(ancestor => ancestor is MemberDeclarationSyntax && ancestor.Parent is BaseTypeDeclarationSyntax)
        ?? node.SyntaxTree.GetRoot(cancellation);

    /// <summary>True where <c>await</c> may be written: an async method, local function or lambda, or top-level code.</summary>
    public static bool IsInAsyncFunction(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax function:
                    return function.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                case LocalFunctionStatementSyntax local:
                    return local.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case BaseMethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case GlobalStatementSyntax:
                    return true;
                case MemberDeclarationSyntax or AccessorDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }
}
