using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ParallelLint.Analyzers.Tests.Robustness;

/// <summary>
/// Writes every call's arguments as named arguments in reverse order (<c>Range(0, n)</c> becomes
/// <c>Range(count: n, start: 0)</c>): the same program, so the analyzers must find the same things in it.
/// The line count is kept (each argument moves with its own trivia), so a finding's member keeps its line.
/// </summary>
internal sealed class NamedArguments(SemanticModel model) : CSharpSyntaxRewriter
{
    /// <summary>How many argument lists were rewritten: the control that the rewrite did something.</summary>
    public int Rewritten { get; private set; }

    public static (SyntaxTree Tree, int Rewritten) Rewrite(SemanticModel model)
    {
        var rewriter = new NamedArguments(model);
        var root = rewriter.Visit(model.SyntaxTree.GetRoot());
        return (model.SyntaxTree.WithRootAndOptions(root, model.SyntaxTree.Options), rewriter.Rewritten);
    }

    public override SyntaxNode? VisitArgumentList(ArgumentListSyntax node)
    {
        var visited = (ArgumentListSyntax)base.VisitArgumentList(node)!;
        if (!CanName(node))
        {
            return visited;
        }

        Rewritten++;
        var named = visited.Arguments.Select((argument, i) => argument.NameColon is not null
            ? argument
            : argument.WithoutLeadingTrivia()
                .WithNameColon(SyntaxFactory.NameColon(Identifier(Parameter(node.Arguments[i])!.Name)).WithTrailingTrivia(SyntaxFactory.Space))
                .WithLeadingTrivia(argument.GetLeadingTrivia()));
        return visited.WithArguments(SyntaxFactory.SeparatedList(named.Reverse(), visited.Arguments.GetSeparators()));
    }

    /// <summary>
    /// Every argument is explicit and bound to a parameter (not dynamic, not params in expanded form, which cannot be
    /// named) and declares no variable outside a lambda (<c>out var x</c>, <c>is T x</c>): another argument may use it.
    /// </summary>
    private bool CanName(ArgumentListSyntax list) =>
        list.Arguments.Count > 0 &&
        list.Parent is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax &&
        list.Arguments.All(argument =>
            Parameter(argument) is { Name.Length: > 0 } &&
            model.GetOperation(argument) is IArgumentOperation { ArgumentKind: ArgumentKind.Explicit } &&
            !argument.Expression.DescendantNodesAndSelf(node => node is not AnonymousFunctionExpressionSyntax).OfType<VariableDesignationSyntax>().Any());

    // A parameter named like a keyword (@event) is written verbatim.
    private static IdentifierNameSyntax Identifier(string name) => SyntaxFactory.IdentifierName(
        SyntaxFacts.IsReservedKeyword(SyntaxFacts.GetKeywordKind(name)) ? SyntaxFactory.ParseToken("@" + name) : SyntaxFactory.Identifier(name));

    private IParameterSymbol? Parameter(ArgumentSyntax argument) => (model.GetOperation(argument) as IArgumentOperation)?.Parameter;
}
