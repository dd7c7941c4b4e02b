using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL2001's fix: the hard-coded degree becomes the detected core count, <c>Cores.Available</c> where
/// ParallelLint.Runtime is referenced, <c>Environment.ProcessorCount</c> otherwise. Only the use site changes: a
/// constant it was read from stays as it is (other code may use it).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HardCodedDegreeFixer))]
public sealed class HardCodedDegreeFixer : RewriteFixer
{
    internal const string EquivalenceKey = "PL2001.DetectedCores";

    /// <summary>The fix for HardCodedDegree's diagnostics.</summary>
    public HardCodedDegreeFixer()
        : base(RuleIds.HardCodedDegree, new Fix(EquivalenceKey, finding => KnownTypes.Of(finding.Model.Compilation).Cores is null
            ? "Use Environment.ProcessorCount"
            : "Use the detected core count (Cores.Available)"))
    {
    }

    /// <inheritdoc/>
    private protected override Task<Document?> FixAsync(Finding finding, string equivalenceKey, CancellationToken cancellation)
    {
        var cores = KnownTypes.Of(finding.Model.Compilation).Cores is null ? "System.Environment.ProcessorCount" : "ParallelLint.Runtime.Cores.Available";
        var degree = ParseExpression(cores).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation).WithTriviaFrom(finding.Node);
        return finding.CompleteAsync(finding.Root.ReplaceNode(finding.Node, degree), cancellation);
    }

    /// <summary>The degree expression the diagnostic marks (its location is exactly that expression).</summary>
    private protected override SyntaxNode? Locate(SyntaxNode root, TextSpan span) =>
        root.FullSpan.Contains(span)
            ? root.FindNode(span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<ExpressionSyntax>().FirstOrDefault(e => e.Span == span)
            : null;
}
