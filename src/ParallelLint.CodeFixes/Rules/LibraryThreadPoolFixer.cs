using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL1003's fix: the library's threads knob set to 1, in the call's own options (ONNX Runtime, ML.NET) or as the
/// library's process-wide switch at the start of the member that runs the parallel loop (Math.NET Numerics, TorchSharp).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LibraryThreadPoolFixer))]
public sealed class LibraryThreadPoolFixer : RewriteFixer
{
    internal const string EquivalenceKey = "PL1003.OneThread";

    /// <summary>The fix for LibraryThreadPoolInParallelBody's diagnostics.</summary>
    public LibraryThreadPoolFixer()
        : base(RuleIds.LibraryThreadPoolInParallelBody, new Fix(EquivalenceKey, finding => Library(finding) switch
        {
            ThreadPoolLibrary.OnnxRuntime => "Set IntraOpNumThreads = 1",
            ThreadPoolLibrary.MlNet => "Set NumberOfThreads = 1",
            ThreadPoolLibrary.MathNetNumerics => "Call Control.UseSingleThread() first",
            ThreadPoolLibrary.ImageSharp => "Set Configuration.Default.MaxDegreeOfParallelism = 1 first",
            ThreadPoolLibrary.OpenCvSharp => "Call Cv2.SetNumThreads(1) first",
            ThreadPoolLibrary.MagickNet => "Set ResourceLimits.Thread = 1 first",
            ThreadPoolLibrary.XGBoost => "Pass nThread: 1",
            _ => "Call torch.set_num_threads(1) first",
        }))
    {
    }

    /// <inheritdoc/>
    /// <remarks>The diagnostic marks the library call; its additional location, the parallel loop whose member gets the switch.</remarks>
    private protected override Task<Document?> FixAsync(Finding finding, string equivalenceKey, CancellationToken cancellation)
    {
        var (root, model) = (finding.Root, finding.Model);
        var fixedRoot = Library(finding) switch
        {
            ThreadPoolLibrary.OnnxRuntime when finding.Node is BaseObjectCreationExpressionSyntax session =>
                SetInOptions(root, model, session, "SessionOptions", "IntraOpNumThreads", "Microsoft.ML.OnnxRuntime.SessionOptions", cancellation),
            ThreadPoolLibrary.MlNet when finding.Node is InvocationExpressionSyntax trainer =>
                SetInOptions(root, model, trainer, typeName: null, "NumberOfThreads", optionsType: null, cancellation),
            ThreadPoolLibrary.MathNetNumerics when finding.Additional is { } loop =>
                SwitchBefore(root, loop, "MathNet.Numerics.Control.UseSingleThread()"),
            ThreadPoolLibrary.TorchSharp when finding.Additional is { } loop =>
                SwitchBefore(root, loop, "TorchSharp.torch.set_num_threads(1)"),
            ThreadPoolLibrary.ImageSharp when finding.Additional is { } loop =>
                SwitchBefore(root, loop, "SixLabors.ImageSharp.Configuration.Default.MaxDegreeOfParallelism = 1", "Default.MaxDegreeOfParallelism = 1"),
            ThreadPoolLibrary.OpenCvSharp when finding.Additional is { } loop =>
                SwitchBefore(root, loop, "OpenCvSharp.Cv2.SetNumThreads(1)"),
            ThreadPoolLibrary.MagickNet when finding.Additional is { } loop =>
                SwitchBefore(root, loop, "ImageMagick.ResourceLimits.Thread = 1", "ResourceLimits.Thread = 1"),
            ThreadPoolLibrary.XGBoost when finding.Node is BaseObjectCreationExpressionSyntax xgboost =>
                OneThreadArgument(root, xgboost),
            _ => null,
        };
        return finding.CompleteAsync(fixedRoot, cancellation);
    }

    /// <summary>
    /// Sets <paramref name="knob"/> = 1 in the call's inline options, or (where <paramref name="optionsType"/> is
    /// given and the call has none) passes new options that set it.
    /// </summary>
    private static SyntaxNode? SetInOptions(
        SyntaxNode root, SemanticModel model, SyntaxNode call, string? typeName, string knob, string? optionsType, CancellationToken cancellation)
    {
        var arguments = model.GetOperation(call, cancellation) switch
        {
            IObjectCreationOperation creation => creation.Arguments,
            IInvocationOperation invocation => invocation.Arguments,
            _ => ImmutableArray<IArgumentOperation>.Empty,
        };
        var one = LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(1));
        var options = arguments.FirstOrDefault(a =>
            a.Parameter is { } parameter && (typeName is null ? Members(parameter.Type).Any(m => m.Name == knob) : parameter.Type.Name == typeName));
        if (options is { ArgumentKind: ArgumentKind.Explicit, Value.Syntax: BaseObjectCreationExpressionSyntax inline })
        {
            return root.ReplaceNode(inline, Options.With(inline, knob, one));
        }

        if (options is null && optionsType is not null && call is BaseObjectCreationExpressionSyntax { ArgumentList: { } list })
        {
            var created = ObjectCreationExpression(ParseTypeName(optionsType).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation))
                .WithInitializer(InitializerExpression(SyntaxKind.ObjectInitializerExpression, SingletonSeparatedList<ExpressionSyntax>(Options.Assignment(knob, one))));
            return root.ReplaceNode(list, list.AddArguments(Argument(created)));
        }

        return null;
    }

    /// <summary>The XGBoost model's <c>nThread</c> argument set to 1: replaced where given, added by name otherwise.</summary>
    private static SyntaxNode? OneThreadArgument(SyntaxNode root, BaseObjectCreationExpressionSyntax model)
    {
        var one = LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(1));
        var list = model.ArgumentList ?? ArgumentList();
        if (list.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == ThreadPoolLibraries.XGBoostThreads) is { } given)
        {
            return root.ReplaceNode(given.Expression, one.WithTriviaFrom(given.Expression));
        }

        var added = list.AddArguments(Argument(NameColon(ThreadPoolLibraries.XGBoostThreads), default, one));
        return model.ArgumentList is null && model is ObjectCreationExpressionSyntax explicitType
            ? root.ReplaceNode(model, explicitType.WithType(explicitType.Type.WithoutTrailingTrivia()).WithArgumentList(added.WithTrailingTrivia(explicitType.Type.GetTrailingTrivia())))
            : model.ArgumentList is null ? null : root.ReplaceNode(model.ArgumentList, added);
    }

    /// <summary>
    /// Inserts the library's process-wide single-thread switch (a call or an assignment) at the start of the member that
    /// runs the parallel loop. <paramref name="marker"/> recognizes the switch already written (the call's last name by default).
    /// </summary>
    private static SyntaxNode? SwitchBefore(SyntaxNode root, SyntaxNode loop, string call, string? marker = null)
    {
        // Once the switch is anywhere in the document, every other finding of the library is fixed too.
        var text = marker ?? call.Substring(call.LastIndexOf('.') + 1);
        if (root.DescendantNodes().Any(node => node is InvocationExpressionSyntax or AssignmentExpressionSyntax &&
                                               node.ToString().EndsWith(text, System.StringComparison.Ordinal)))
        {
            return null;
        }

        // The start of the member that runs the loop: one place, whichever of its findings is fixed first.
        // In top-level statements the first one is a member of the compilation unit: the switch goes in as a member too.
        SyntaxNode? first = loop.Ancestors().OfType<BlockSyntax>()
            .LastOrDefault(b => b.Parent is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax)?.Statements.FirstOrDefault();
        if (first is null && loop.FirstAncestorOrSelf<GlobalStatementSyntax>() is not null)
        {
            first = root.ChildNodes().OfType<GlobalStatementSyntax>().First();
        }

        if (first is null)
        {
            return null;
        }

        var statement = ExpressionStatement(ParseExpression(call).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
        var insertion = (first is GlobalStatementSyntax ? GlobalStatement(statement) : (SyntaxNode)statement)
            .WithLeadingTrivia(first.GetLeadingTrivia())
            .WithAdditionalAnnotations(Formatter.Annotation);
        return root.InsertNodesBefore(first, new[] { insertion });
    }

    private static System.Collections.Generic.IEnumerable<ISymbol> Members(ITypeSymbol type)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                yield return member;
            }
        }
    }

    private static ThreadPoolLibrary? Library(Finding finding) =>
        System.Enum.TryParse<ThreadPoolLibrary>(finding.Property(LibraryThreadPoolAnalyzer.LibraryProperty), out var library) ? library : null;
}
