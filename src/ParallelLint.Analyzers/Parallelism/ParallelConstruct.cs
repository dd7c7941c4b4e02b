using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>A call or creation that runs delegates on several threads at once.</summary>
internal sealed class ParallelConstruct
{
    public ParallelConstruct(ConstructKind kind, IOperation operation, IOperation? degreeSource, string name)
    {
        Kind = kind;
        Operation = operation;
        DegreeSource = degreeSource;
        Name = name;
    }

    public ConstructKind Kind { get; }

    /// <summary>The invocation or creation that starts the parallel work (for PLINQ, the <c>AsParallel()</c> call).</summary>
    public IOperation Operation { get; }

    /// <summary>Where the degree is set: the options argument or the <c>WithDegreeOfParallelism</c> argument; null when defaulted.</summary>
    public IOperation? DegreeSource { get; }

    /// <summary>How users call it, for messages: <c>Parallel.For</c>, <c>PLINQ query</c>, <c>Task.Run per item</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// The span a diagnostic marks: the called member (<c>Parallel.For</c>, <c>AsParallel</c>) or the created type,
    /// never a whole multi-line call.
    /// </summary>
    public Location Location => GetLocation(Operation);

    public static Location GetLocation(IOperation operation) => operation switch
    {
        // Static calls read best whole (Parallel.For); instance and extension calls by their name (AsParallel).
        IInvocationOperation { Instance: null, TargetMethod.IsExtensionMethod: false, Syntax: InvocationExpressionSyntax invocation } =>
            invocation.Expression.GetLocation(),
        { Syntax: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } } => access.Name.GetLocation(),
        { Syntax: InvocationExpressionSyntax invocation } => invocation.Expression.GetLocation(),
        { Syntax: MemberAccessExpressionSyntax access } => access.Name.GetLocation(),
        { Syntax: ElementAccessExpressionSyntax element } => element.ArgumentList.GetLocation(),
        { Syntax: ObjectCreationExpressionSyntax creation } =>
            Location.Create(creation.SyntaxTree, TextSpan.FromBounds(creation.NewKeyword.SpanStart, creation.Type.Span.End)),
        { Syntax: ImplicitObjectCreationExpressionSyntax creation } => creation.NewKeyword.GetLocation(),
        _ => operation.Syntax.GetLocation(),
    };
}
