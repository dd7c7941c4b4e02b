using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ParallelLint.CodeFixes.Rewriting
{
    /// <summary>Setting the degree in an options object initializer, keeping its other settings.</summary>
    internal static class Options
    {
        private const string MaxDegreeOfParallelism = nameof(MaxDegreeOfParallelism);

        public static BaseObjectCreationExpressionSyntax WithMaxDegree(BaseObjectCreationExpressionSyntax creation, ExpressionSyntax degree)
        {
            var existing = creation.Initializer?.Expressions.OfType<AssignmentExpressionSyntax>()
                .FirstOrDefault(a => a.Left is IdentifierNameSyntax { Identifier.ValueText: MaxDegreeOfParallelism });
            if (existing is not null)
            {
                return creation.ReplaceNode(existing.Right, degree.WithTriviaFrom(existing.Right));
            }

            var assignment = Assignment(MaxDegreeOfParallelism, degree);
            var initializer = creation.Initializer is null
                ? InitializerExpression(SyntaxKind.ObjectInitializerExpression, SingletonSeparatedList<ExpressionSyntax>(assignment))
                : creation.Initializer.WithExpressions(creation.Initializer.Expressions.Insert(0, assignment));
            return creation.WithInitializer(initializer);
        }

        public static AssignmentExpressionSyntax Assignment(string property, ExpressionSyntax value) =>
            AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName(property), value);
    }
}
