namespace ParallelLint.CodeFixes.Rewriting;

/// <summary>Setting a knob (the degree, a thread count) in an options object initializer, keeping its other settings.</summary>
internal static class Options
{
    private const string MaxDegreeOfParallelism = nameof(MaxDegreeOfParallelism);

    public static BaseObjectCreationExpressionSyntax WithMaxDegree(BaseObjectCreationExpressionSyntax creation, ExpressionSyntax degree) =>
        With(creation, MaxDegreeOfParallelism, degree);

    /// <summary>The creation with <paramref name="member"/> set to <paramref name="value"/> in its initializer.</summary>
    public static BaseObjectCreationExpressionSyntax With(BaseObjectCreationExpressionSyntax creation, string member, ExpressionSyntax value)
    {
        var existing = creation.Initializer?.Expressions.OfType<AssignmentExpressionSyntax>()
            .FirstOrDefault(a => a.Left is IdentifierNameSyntax { Identifier.ValueText: var name } && name == member);
        if (existing is not null)
        {
            return creation.ReplaceNode(existing.Right, value.WithTriviaFrom(existing.Right));
        }

        var assignment = Assignment(member, value);
        var initializer = creation.Initializer is null
            ? InitializerExpression(SyntaxKind.ObjectInitializerExpression, SingletonSeparatedList<ExpressionSyntax>(assignment))
            : creation.Initializer.WithExpressions(creation.Initializer.Expressions.Insert(0, assignment));
        return creation.WithInitializer(initializer);
    }

    public static AssignmentExpressionSyntax Assignment(string property, ExpressionSyntax value) =>
        AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName(property), value);
}
