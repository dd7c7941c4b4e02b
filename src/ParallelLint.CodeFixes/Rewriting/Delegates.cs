using Microsoft.CodeAnalysis.Operations;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.CodeFixes.Rewriting;

/// <summary>Reading the arguments of a parallel call by the meaning of their parameters.</summary>
internal static class Delegates
{
    public static IArgumentOperation? Argument(IInvocationOperation invocation, string parameterName) =>
        invocation.Arguments.FirstOrDefault(argument => argument.Parameter?.Name == parameterName);

    public static IArgumentOperation? ArgumentOfType(IInvocationOperation invocation, ITypeSymbol? type) =>
        invocation.Arguments.FirstOrDefault(argument =>
            argument.Parameter is { } parameter && SymbolEqualityComparer.Default.Equals(parameter.Type, type));

    /// <summary>The lambda or anonymous method written as the argument, with as many named parameters as expected.</summary>
    public static (AnonymousFunctionExpressionSyntax Syntax, IMethodSymbol Symbol)? Function(IArgumentOperation? argument, int parameters)
    {
        if (argument?.Value.WalkDownConversion() is IDelegateCreationOperation { Target: IAnonymousFunctionOperation function } &&
            function.Syntax is AnonymousFunctionExpressionSyntax syntax &&
            function.Symbol.Parameters.Length == parameters &&
            function.Symbol.Parameters.All(parameter => parameter.Name.Length > 0))
        {
            return (syntax, function.Symbol);
        }

        return null;
    }

    /// <summary>The syntax of an argument's expression.</summary>
    public static ExpressionSyntax? Expression(IArgumentOperation? argument) => (argument?.Syntax as ArgumentSyntax)?.Expression;

    /// <summary>True for an expression that may be evaluated again without changing what it means.</summary>
    public static bool IsRepeatable(ExpressionSyntax expression) =>
        !expression.DescendantNodesAndSelf().Any(node =>
            node is InvocationExpressionSyntax or AssignmentExpressionSyntax or AwaitExpressionSyntax or
                BaseObjectCreationExpressionSyntax or PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax { OperatorToken.ValueText: "++" or "--" });
}
