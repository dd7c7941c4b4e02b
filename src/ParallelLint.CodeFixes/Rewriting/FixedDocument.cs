using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.CodeFixes.Rewriting
{
    /// <summary>The last step of every fix: clean the new code up, and withdraw the fix if it does not compile.</summary>
    internal static class FixedDocument
    {
        /// <summary>
        /// Imports, simplified names and formatting where the rewrite marked them (done here so that every host sees
        /// the same result); null when the fixed document has more compiler errors than <paramref name="before"/>.
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
            return after is not null && Errors(after, cancellation) <= Errors(before, cancellation) ? document : null;
        }

        private static int Errors(SemanticModel model, CancellationToken cancellation) =>
            model.GetDiagnostics(cancellationToken: cancellation).Count(d => d.Severity == DiagnosticSeverity.Error);
    }
}
