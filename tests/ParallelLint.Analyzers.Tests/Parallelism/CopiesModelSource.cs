using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ParallelLint.Analyzers.Tests.Verifiers;

namespace ParallelLint.Analyzers.Tests.Parallelism;

/// <summary>
/// Compiles a snippet for the per-item, uses, invariance and serializer model tests and finds the operation that
/// follows a <c>/*@*/</c> marker.
/// </summary>
internal static class CopiesModelSource
{
    public const string Marker = "/*@*/";

    /// <summary>The innermost operation of the wanted kind there, or with <paramref name="outermost"/> the whole expression that starts there.</summary>
    public static (TOperation Operation, Compilation Compilation) Find<TOperation>(string members, string? extra = null, bool outermost = false)
        where TOperation : class, IOperation
    {
        var source = TestSources.Usings + "using System.Text.Json;\n" + "partial class C\n{\n" + members + "\n}\n" + extra;
        var tree = CSharpSyntaxTree.ParseText(source);
        var compilation = TestReferences.Compile("Model", new[] { tree });
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var model = compilation.GetSemanticModel(tree);
        var position = source.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length;
        TOperation? found = null;
        for (var node = tree.GetRoot().FindToken(position).Parent; node is not null && node.SpanStart == position; node = node.Parent)
        {
            if (model.GetOperation(node) is TOperation operation && (found is null || (outermost && node is ExpressionSyntax)))
            {
                found = operation;
            }
        }

        return found is not null ? (found, compilation) : throw new InvalidOperationException($"No {typeof(TOperation).Name} after the marker.");
    }
}
