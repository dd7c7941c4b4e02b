using System.Globalization;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.CodeFixes.Rewriting;

/// <summary>The last step of every fix: clean the new code up, and withdraw the fix if it does not compile.</summary>
internal static class FixedDocument
{
    /// <summary>
    /// Imports, simplified names and formatting where the rewrite marked them (done here so that every host sees
    /// the same result); null when the fixed document has a compiler error that <paramref name="before"/> has not
    /// (<see cref="AddsErrors"/>).
    /// </summary>
    public static async Task<Document?> CompleteAsync(SemanticModel before, Document document, CancellationToken cancellation)
    {
        document = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellation).ConfigureAwait(false);
        document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: cancellation).ConfigureAwait(false);
        document = await Formatter.FormatAsync(document, Formatter.Annotation, cancellationToken: cancellation).ConfigureAwait(false);

        // Judged as the host reads it back, parsed from its text: a node of broken code may hold tokens the parser
        // skipped (the closing brace of an interpolation, in a call missing its parenthesis), which, moved, read otherwise.
        var text = await document.GetTextAsync(cancellation).ConfigureAwait(false);
        var after = await document.WithText(SourceText.From(text.ToString(), text.Encoding, text.ChecksumAlgorithm)).GetSemanticModelAsync(cancellation).ConfigureAwait(false);
        return after is not null && !AddsErrors(before, after, cancellation) ? document : null;
    }

    /// <summary>
    /// Whether <paramref name="after"/> has an error of some kind (id and message) more often than
    /// <paramref name="before"/>. Not a count: in broken code a fix may take the user's errors away and bring its
    /// own in their place.
    /// </summary>
    private static bool AddsErrors(SemanticModel before, SemanticModel after, CancellationToken cancellation)
    {
        var remaining = Errors(before, cancellation).GroupBy(Kind).ToDictionary(kind => kind.Key, kind => kind.Count());
        foreach (var kind in Errors(after, cancellation).Select(Kind))
        {
            if (!remaining.TryGetValue(kind, out var count) || count == 0)
            {
                return true;
            }

            remaining[kind] = count - 1;
        }

        return false;
    }

    private static IEnumerable<Diagnostic> Errors(SemanticModel model, CancellationToken cancellation) =>
        model.GetDiagnostics(cancellationToken: cancellation).Where(d => d.Severity == DiagnosticSeverity.Error);

    private static string Kind(Diagnostic error) => error.Id + " " + error.GetMessage(CultureInfo.InvariantCulture);
}
