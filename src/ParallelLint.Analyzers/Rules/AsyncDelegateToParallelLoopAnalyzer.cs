using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL2004: an async lambda, async anonymous method or async void method given to <c>Parallel.For</c>,
/// <c>Parallel.ForEach</c> or <c>Parallel.Invoke</c>, whose delegates return void: each becomes async void. Only the
/// delegates passed to the loop count; an async lambda created inside a body is the body's business.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AsyncDelegateToParallelLoopAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: what the delegate is given to, <see cref="Loop"/> or <see cref="Invoke"/> (the fix's title says which).</summary>
    internal const string ConstructProperty = "Construct";

    /// <summary><c>Parallel.For</c> or <c>Parallel.ForEach</c>.</summary>
    internal const string Loop = "Loop";

    /// <summary><c>Parallel.Invoke</c>.</summary>
    internal const string Invoke = "Invoke";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.AsyncDelegateToParallelLoop);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Of(start.Compilation);
            if (types.Parallel is null)
            {
                return;
            }

            start.RegisterOperationAction(
                context =>
                {
                    var invocation = (IInvocationOperation)context.Operation;
                    if (invocation.TargetMethod is { Name: "For" or "ForEach" or "Invoke" } method &&
                        KnownTypes.Is(method.ContainingType, types.Parallel))
                    {
                        Analyze(context, invocation);
                    }
                },
                OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation)
    {
        var loop = "Parallel." + invocation.TargetMethod.Name;
        var properties = ImmutableDictionary<string, string?>.Empty.Add(ConstructProperty, invocation.TargetMethod.Name == "Invoke" ? Invoke : Loop);
        foreach (var argument in invocation.Arguments)
        {
            // Parallel.Invoke(params Action[]): the delegates are the elements of the (implicit) array.
            if (argument.Value.WalkDownConversion() is IArrayCreationOperation { Initializer: { } initializer })
            {
                foreach (var element in initializer.ElementValues)
                {
                    Report(context, element, loop, properties);
                }
            }
            else
            {
                Report(context, argument.Value, loop, properties);
            }
        }
    }

    private static void Report(OperationAnalysisContext context, IOperation value, string loop, ImmutableDictionary<string, string?> properties)
    {
        if (value.WalkDownConversion() is not IDelegateCreationOperation { Type: INamedTypeSymbol { DelegateInvokeMethod.ReturnsVoid: true } } creation)
        {
            return;
        }

        (string What, Location Where)? finding = creation.Target switch
        {
            IAnonymousFunctionOperation { Symbol.IsAsync: true, Syntax: AnonymousFunctionExpressionSyntax function } =>
                (function is AnonymousMethodExpressionSyntax ? "anonymous method" : "lambda", function.AsyncKeyword.GetLocation()),
            IMethodReferenceOperation { Method: { IsAsync: true, ReturnsVoid: true } method, Syntax: var syntax } =>
                ($"method '{method.Name}'", NameOf(syntax).GetLocation()),
            _ => null,
        };
        if (finding is { } found)
        {
            context.Report(Diagnostic.Create(Rules.AsyncDelegateToParallelLoop, found.Where, properties, found.What, loop));
        }
    }

    private static SyntaxNode NameOf(SyntaxNode methodGroup) => methodGroup switch
    {
        MemberAccessExpressionSyntax access => access.Name,
        MemberBindingExpressionSyntax binding => binding.Name,
        _ => methodGroup,
    };
}
