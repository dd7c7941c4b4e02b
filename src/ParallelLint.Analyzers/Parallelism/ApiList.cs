using Microsoft.CodeAnalysis.Diagnostics;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// An option listing APIs by documentation-comment ID: <c>M:Ns.Type.Method(System.Int32)</c> for a method,
/// <c>T:Ns.Type</c> for every member of a type, separated by <c>,</c> (or <c>;</c> where the host passes it
/// through: .editorconfig reads <c>;</c> as the start of a comment). Entries of any other form are ignored, as
/// the catalogue promises for bad option values.
/// </summary>
internal sealed class ApiList
{
    public static readonly ApiList Empty = new(Array.Empty<string>());

    private readonly HashSet<string> ids;

    private ApiList(IEnumerable<string> ids) => this.ids = new HashSet<string>(ids, StringComparer.Ordinal);

    public bool IsEmpty => ids.Count == 0;

    /// <summary>The list in option <paramref name="key"/>: a global config, or the section of the first tree.</summary>
    public static ApiList FromOptions(AnalyzerOptions options, Compilation compilation, string key)
    {
        var tree = compilation.SyntaxTrees.FirstOrDefault();
        if (!options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(key, out var value) && tree is not null)
        {
            options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(key, out value);
        }

        return Parse(value);
    }

    public static ApiList Parse(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? Empty
            : new ApiList(Entries(value!)
                .Where(id => id.Length > 2 && (id.StartsWith("M:", StringComparison.Ordinal) || id.StartsWith("T:", StringComparison.Ordinal))));

    /// <summary>The entries, split at separators outside parentheses and braces (a method ID lists its parameters with commas).</summary>
    private static IEnumerable<string> Entries(string value)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= value.Length; i++)
        {
            var c = i < value.Length ? value[i] : ',';
            depth += c is '(' or '{' ? 1 : c is ')' or '}' ? -1 : 0;
            if (depth <= 0 && (c is ',' or ';' || char.IsWhiteSpace(c)))
            {
                if (i > start)
                {
                    yield return value.Substring(start, i - start);
                }

                start = i + 1;
                depth = 0;
            }
        }
    }

    /// <summary>True when the member or its containing type is listed.</summary>
    public bool Contains(ISymbol member)
    {
        if (IsEmpty)
        {
            return false;
        }

        var symbol = member.OriginalDefinition;
        var method = symbol as IMethodSymbol;
        var property = method?.AssociatedSymbol;
        return Listed(symbol) || (property is not null && Listed(property)) || Listed(symbol.ContainingType);
    }

    private bool Listed(ISymbol? symbol) => symbol?.GetDocumentationCommentId() is { } id && ids.Contains(id);
}
