using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL2006: every statement of a parallel body (but trivial declarations) runs inside one lock on a gate shared by
/// all iterations: <c>lock (gate) { ... }</c>, <c>Monitor.Enter(gate)</c> ... <c>Monitor.Exit(gate)</c>, or
/// <c>Wait</c>/<c>WaitAsync</c> ... <c>Release</c> on a <c>SemaphoreSlim</c> created with a count of one. Work before
/// or after the lock, a lock on something that differs per item, a semaphore of a larger or unknown count and the
/// <c>localInit</c>/<c>localFinally</c> delegates are not findings.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BodySerializedByLockAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.BodySerializedByLock);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Of(start.Compilation);
            var constructs = new ParallelConstructs(types);
            var monitor = types.Monitor;
            var blocks = BlockLocals.Of(start.Compilation);
            start.RegisterOperationAction(
                context =>
                {
                    var function = (IAnonymousFunctionOperation)context.Operation;
                    if (!IsBodyParameter(function) || constructs.OwnerOfBody(function) is not { } construct || !IsCovered(construct.Kind))
                    {
                        return;
                    }

                    var locals = blocks.For(function);
                    if (!constructs.DegreeOf(construct, locals).IsParallel() ||
                        Gate(function, types, monitor, locals) is not { } gate ||
                        (construct.Kind == ConstructKind.ParallelInvoke && !EveryActionHolds(construct, gate.Symbol, types, monitor, locals)))
                    {
                        return;
                    }

                    context.Report(Diagnostic.Create(
                        Rules.BodySerializedByLock,
                        gate.Location,
                        new[] { construct.Location },
                        construct.Kind == ConstructKind.Plinq ? "PLINQ " + Operator(function) : construct.Name,
                        gate.Description));
                },
                OperationKind.AnonymousFunction);
        });
    }

    /// <summary>What serializes a body: the shared gate, where it is taken, and how the message names it.</summary>
    internal readonly struct SerializingGate
    {
        public SerializingGate(ISymbol symbol, Location location, string description)
        {
            Symbol = symbol;
            Location = location;
            Description = description;
        }

        public ISymbol Symbol { get; }

        public Location Location { get; }

        public string Description { get; }
    }

    private static bool IsCovered(ConstructKind kind) =>
        kind is ConstructKind.ParallelFor or ConstructKind.ParallelForEach or ConstructKind.ParallelForAsync or
            ConstructKind.ParallelForEachAsync or ConstructKind.ParallelInvoke or ConstructKind.Plinq or ConstructKind.RuntimeExecutor;

    /// <summary>The delegate runs per item: not <c>localInit</c>/<c>localFinally</c>, not a PLINQ seed or result selector.</summary>
    private static bool IsBodyParameter(IAnonymousFunctionOperation function)
    {
        var current = function.Parent;
        while (current is IDelegateCreationOperation or IConversionOperation)
        {
            current = current.Parent;
        }

        if (current is IArrayInitializerOperation { Parent: IArrayCreationOperation array })
        {
            current = array.Parent;
        }

        return current is IArgumentOperation { Parameter.Name: "body" or "actions" or "action" or "selector" };
    }

    private static string Operator(IAnonymousFunctionOperation function) =>
        ParallelConstructs.InvokedWith(function) is IInvocationOperation { TargetMethod.Name: var name } ? name : "query";

    /// <summary>For <c>Parallel.Invoke</c>, the actions serialize one another only when every one holds the same gate.</summary>
    private static bool EveryActionHolds(ParallelConstruct construct, ISymbol gate, KnownTypes types, INamedTypeSymbol? monitor, LocalUsages locals)
    {
        var actions = construct.Operation.Descendants().OfType<IArrayInitializerOperation>().FirstOrDefault()?.ElementValues;
        if (actions is not { Length: > 1 } elements)
        {
            return false;
        }

        foreach (var element in elements)
        {
            if (element.WalkDownConversion() is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation action } ||
                Gate(action, types, monitor, locals) is not { } held ||
                !SymbolEqualityComparer.Default.Equals(held.Symbol, gate))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The gate that every statement of <paramref name="function"/> runs under, if there is one.</summary>
    internal static SerializingGate? Gate(IAnonymousFunctionOperation function, KnownTypes types, INamedTypeSymbol? monitor, LocalUsages? locals)
    {
        var statements = function.Body.Operations.Where(statement => !IsTrivial(statement)).ToList();

        // The implicit `return;` at the end of a void lambda, or `return default;` / `return ValueTask.CompletedTask;`.
        if (statements.Count > 1 && statements[statements.Count - 1] is IReturnOperation { ReturnedValue: var returned } &&
            returned?.WalkDownConversion() is null or IDefaultValueOperation or IPropertyReferenceOperation { Property.Name: "CompletedTask" })
        {
            statements.RemoveAt(statements.Count - 1);
        }

        if (statements.Count == 0)
        {
            return null;
        }

        if (statements.Count == 1 && statements[0] is ILockOperation { LockedValue: var locked, Syntax: LockStatementSyntax syntax } &&
            Shared(locked, function) is { } lockGate)
        {
            return new SerializingGate(lockGate, syntax.LockKeyword.GetLocation(), $"lock ({locked.Syntax})");
        }

        // Acquire; try { work } finally { release }   or   acquire; work; release
        // or try { acquire; work } finally { release }.
        IOperation? acquire = null;
        IOperation? release = null;
        var work = 0;
        if (statements.Count == 2 && statements[1] is ITryOperation { Catches.Length: 0, Finally: { } finallyBlock } tryBlock)
        {
            acquire = statements[0];
            release = finallyBlock.Operations.LastOrDefault(operation => operation is not IReturnOperation);
            work = tryBlock.Body.Operations.Length;
        }
        else if (statements.Count == 1 && statements[0] is ITryOperation { Catches.Length: 0, Finally: { } innerFinally } innerTry &&
                 innerTry.Body.Operations.Length > 1)
        {
            acquire = innerTry.Body.Operations[0];
            release = innerFinally.Operations.LastOrDefault(operation => operation is not IReturnOperation);
            work = innerTry.Body.Operations.Length - 1;
        }
        else if (statements.Count > 2)
        {
            acquire = statements[0];
            release = statements[statements.Count - 1];
            work = statements.Count - 2;
        }

        if (acquire is null || release is null || work == 0)
        {
            return null;
        }

        // `if (taken) Monitor.Exit(gate);` releases as well.
        if (release is IConditionalOperation { WhenFalse: null, WhenTrue: var whenTrue })
        {
            release = whenTrue is IBlockOperation { Operations.Length: 1 } block ? block.Operations[0] : whenTrue;
        }

        if (Acquired(acquire, types, monitor) is not { } taken || Released(release, types, monitor) is not { } given ||
            taken.Kind != given.Kind || Shared(taken.Gate, function) is not { } symbol || !SymbolEqualityComparer.Default.Equals(symbol, Shared(given.Gate, function)))
        {
            return null;
        }

        if (taken.Kind == GateKind.Semaphore && !IsCountOne(symbol, locals))
        {
            return null;
        }

        return new SerializingGate(
            symbol,
            ParallelConstruct.GetLocation(taken.Call),
            taken.Kind == GateKind.Monitor ? $"Monitor.Enter({taken.Gate.Syntax})" : $"SemaphoreSlim(1) {taken.Gate.Syntax}");
    }

    private enum GateKind
    {
        Monitor,
        Semaphore,
    }

    // Monitor.Enter(gate[, ref taken]) or semaphore.Wait() / await semaphore.WaitAsync() as a statement.
    private static (GateKind Kind, IOperation Gate, IInvocationOperation Call)? Acquired(IOperation statement, KnownTypes types, INamedTypeSymbol? monitor)
    {
        var value = statement is IExpressionStatementOperation expression ? expression.Operation : null;
        if (value is IAwaitOperation awaited)
        {
            value = awaited.Operation;
            while (value is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } instance })
            {
                value = instance;
            }

            return value is IInvocationOperation { TargetMethod: { Name: "WaitAsync" } method, Instance: { } gate } call && OnlyCancellation(method) &&
                   KnownTypes.Is(method.ContainingType, types.SemaphoreSlim)
                ? (GateKind.Semaphore, gate, call)
                : null;
        }

        return value switch
        {
            IInvocationOperation { TargetMethod: { Name: "Enter" } method } call
                when KnownTypes.Is(method.ContainingType, monitor) && call.Argument(0) is { } gate => (GateKind.Monitor, gate.Value, call),
            IInvocationOperation { TargetMethod: { Name: "Wait" } method, Instance: { } gate } call
                when KnownTypes.Is(method.ContainingType, types.SemaphoreSlim) && OnlyCancellation(method) => (GateKind.Semaphore, gate, call),
            _ => null,
        };
    }

    // A wait with a timeout may give up without the semaphore: only the waits that always take it.
    private static bool OnlyCancellation(IMethodSymbol method) =>
        method.Parameters.All(parameter => parameter.Type is { Name: "CancellationToken", ContainingNamespace.Name: "Threading" });

    private static (GateKind Kind, IOperation Gate)? Released(IOperation statement, KnownTypes types, INamedTypeSymbol? monitor) =>
        (statement as IExpressionStatementOperation)?.Operation switch
        {
            IInvocationOperation { TargetMethod: { Name: "Exit" } method } call
                when KnownTypes.Is(method.ContainingType, monitor) && call.Arguments.Length == 1 => (GateKind.Monitor, call.Arguments[0].Value),
            IInvocationOperation { TargetMethod: { Name: "Release", Parameters.Length: 0 } method, Instance: { } gate }
                when KnownTypes.Is(method.ContainingType, types.SemaphoreSlim) => (GateKind.Semaphore, gate),
            _ => null,
        };

    /// <summary>
    /// The variable that holds a gate every iteration shares: a field (static, or of <c>this</c>), or a local or
    /// parameter from outside the body. A lock on the item or on anything made per iteration is no serialization.
    /// </summary>
    private static ISymbol? Shared(IOperation gate, IAnonymousFunctionOperation function)
    {
        gate = gate.WalkDownConversion();
        switch (gate)
        {
            case IFieldReferenceOperation { Field: var field, Instance: null or IInstanceReferenceOperation }:
                return field;
            case ILocalReferenceOperation { Local: var local } when !Inside(local, function):
                return local;
            case IParameterReferenceOperation { Parameter: var parameter } when !Inside(parameter, function):
                return parameter;
            default:
                return null;
        }
    }

    private static bool Inside(ISymbol symbol, IAnonymousFunctionOperation function) =>
        symbol.DeclaringSyntaxReferences.Any(reference =>
            reference.SyntaxTree == function.Syntax.SyntaxTree && function.Syntax.Span.Contains(reference.Span));

    /// <summary>A semaphore created with a count of one: <c>new SemaphoreSlim(1)</c> or <c>(1, 1)</c>, in its local's or field's declaration.</summary>
    private static bool IsCountOne(ISymbol gate, LocalUsages? locals)
    {
        switch (gate)
        {
            case ILocalSymbol local when locals is not null && !locals.IsReassigned(local):
                return locals.InitialValue(local)?.WalkDownConversion() is IObjectCreationOperation creation &&
                       creation.Arguments.Length is 1 or 2 &&
                       creation.Arguments.All(argument => argument.Value.ConstantValue is { HasValue: true, Value: 1 });
            case IFieldSymbol field when field.IsReadOnly || field.DeclaredAccessibility == Accessibility.Private:
                // The initializer is read from syntax: a field's initializer belongs to another operation block.
                return field.DeclaringSyntaxReferences.Length == 1 &&
                       field.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: var value } &&
                       value is BaseObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: 1 or 2 } arguments } &&
                       arguments.All(argument => argument.Expression is LiteralExpressionSyntax { Token.Value: 1 });
            default:
                return false;
        }
    }

    /// <summary>Statements that do no work: declarations of constants or without a value, empty statements.</summary>
    private static bool IsTrivial(IOperation statement) => statement switch
    {
        IEmptyOperation => true,
        IVariableDeclarationGroupOperation group => group.Declarations.All(declaration =>
            declaration.Declarators.All(declarator => declarator.GetVariableInitializer()?.Value is not { } value || value.ConstantValue.HasValue)),
        _ => false,
    };

}
