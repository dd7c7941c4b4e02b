using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.Analyzers;

/// <summary>
/// Keeps diagnostics out of generated code as the driver does for <see cref="GeneratedCodeAnalysisFlags.None"/>, for a
/// fraction of its cost. The rules register with <see cref="Flags"/> (generated code is still never analyzed: no
/// <see cref="GeneratedCodeAnalysisFlags.Analyze"/>) and report through <c>Report</c>. With <c>None</c> the driver
/// filters every diagnostic itself, and the first one in a file walks every token of the file for
/// <c>GeneratedCode</c> (Roslyn's <c>AnalyzerDriver.IsInGeneratedCode</c>): for rules that report in many files that
/// walk cost more than all of their own work.
/// </summary>
internal static class GeneratedCode
{
    /// <summary>What every rule configures: generated code is not analyzed, and <see cref="Hides"/> filters the reports.</summary>
    public const GeneratedCodeAnalysisFlags Flags = GeneratedCodeAnalysisFlags.ReportDiagnostics;

#pragma warning disable RS0030 // The one place that reports: every rule reports through these, past the generated-code filter.
    public static void Report(this OperationAnalysisContext context, Diagnostic diagnostic) =>
        Report(context.Compilation, diagnostic, context.ReportDiagnostic);

    public static void Report(this OperationBlockAnalysisContext context, Diagnostic diagnostic) =>
        Report(context.Compilation, diagnostic, context.ReportDiagnostic);

    public static void Report(this SymbolAnalysisContext context, Diagnostic diagnostic) =>
        Report(context.Compilation, diagnostic, context.ReportDiagnostic);

    public static void Report(this CompilationAnalysisContext context, Diagnostic diagnostic) =>
        Report(context.Compilation, diagnostic, context.ReportDiagnostic);
#pragma warning restore RS0030

    private static void Report(Compilation compilation, Diagnostic diagnostic, System.Action<Diagnostic> report)
    {
        if (!Hides(diagnostic.Location, compilation))
        {
            report(diagnostic);
        }
    }

    /// <summary>
    /// True where the driver drops a diagnostic of code it did analyze: a <c>#line hidden</c> position, or a location
    /// inside a declaration marked <c>[GeneratedCode]</c> whose code is analyzed under another symbol (the accessors
    /// of a marked property, indexer or event; the members of a partial type inside a marked type). Files of generated
    /// code, and members marked themselves, are never analyzed.
    /// </summary>
    internal static bool Hides(Location location, Compilation compilation)
    {
        if (!location.IsInSource || location.SourceTree is not { } tree)
        {
            return false;
        }

        if (IsHidden(tree, location.SourceSpan.Start))
        {
            return true;
        }

        var attribute = KnownTypes.Of(compilation).GeneratedCodeAttribute;
        if (attribute is null)
        {
            return false;
        }

        // The driver looks at the symbols every enclosing declaration declares. A symbol declared once carries the
        // attribute only if that declaration has attribute lists: only those need the semantic model. Down the
        // declarations alone (types, members, accessors), not through the statements to the innermost node.
        var span = location.SourceSpan;
        SemanticModel? model = null;
        for (SyntaxNode? node = tree.GetRoot(); node is not null; node = Enclosing(node, span))
        {
            switch (node)
            {
                case BaseFieldDeclarationSyntax { AttributeLists.Count: > 0 } field:
                    model ??= compilation.GetSemanticModel(tree);
                    foreach (var variable in field.Declaration.Variables)
                    {
                        if (IsMarked(model.GetDeclaredSymbol(variable), attribute))
                        {
                            return true;
                        }
                    }

                    break;
                case MemberDeclarationSyntax { AttributeLists.Count: > 0 }:
                case AccessorDeclarationSyntax { AttributeLists.Count: > 0 }:
                    model ??= compilation.GetSemanticModel(tree);
                    if (IsMarked(model.GetDeclaredSymbol(node), attribute))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>The declaration directly inside <paramref name="node"/> that contains <paramref name="span"/>, if any.</summary>
    private static SyntaxNode? Enclosing(SyntaxNode node, TextSpan span)
    {
        switch (node)
        {
            case CompilationUnitSyntax unit:
                return Containing(unit.Members, span);
            case BaseNamespaceDeclarationSyntax ns:
                return Containing(ns.Members, span);
            case TypeDeclarationSyntax type:
                return Containing(type.Members, span);
            case BasePropertyDeclarationSyntax { AccessorList: { } accessors }:
                foreach (var accessor in accessors.Accessors)
                {
                    if (accessor.FullSpan.Contains(span))
                    {
                        return accessor;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static MemberDeclarationSyntax? Containing(SyntaxList<MemberDeclarationSyntax> members, TextSpan span)
    {
        foreach (var member in members)
        {
            if (member.FullSpan.Contains(span))
            {
                return member;
            }
        }

        return null;
    }

    /// <summary>A <c>#line hidden</c> position, as Roslyn's (internal) <c>SyntaxTreeExtensions.IsHiddenPosition</c> tells.</summary>
    internal static bool IsHidden(SyntaxTree tree, int position) =>
        tree.HasHiddenRegions() && tree.GetLineVisibility(position) is LineVisibility.Hidden or LineVisibility.BeforeFirstLineDirective;

    // As Roslyn's GeneratedCodeUtilities: a symbol declared in several places (partial) never counts as marked.
    private static bool IsMarked(ISymbol? symbol, INamedTypeSymbol attribute)
    {
        if (symbol is null || symbol.DeclaringSyntaxReferences.Length > 1)
        {
            return false;
        }

        foreach (var data in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))
            {
                return true;
            }
        }

        return false;
    }
}
