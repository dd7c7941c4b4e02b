using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL2001: a degree of parallelism for CPU-bound work that is a constant above
/// <c>parallellint.max_constant_degree</c>, or the processor count times a factor above one. The degree is
/// <c>ParallelOptions.MaxDegreeOfParallelism</c>, <c>ExecutionDataflowBlockOptions.MaxDegreeOfParallelism</c>,
/// ParallelLint.Runtime's <c>ExecutorOptions.MaxDegreeOfParallelism</c> or PLINQ's <c>WithDegreeOfParallelism</c>.
/// </summary>
/// <remarks>
/// Warning-level precision: an options object is reported only once it is seen to reach a construct whose bodies
/// are CPU-bound (no <c>await</c>, no task handed back). Options reach a construct inline, through a local, or
/// through a field or property of the same type (settled when the type's analysis ends). Options that leave the
/// method any other way (returned, passed to a helper) are not followed: their work is not known.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HardCodedDegreeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.HardCodedDegree);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Of(start.Compilation);
            if (types.ParallelOptions is null && types.ParallelEnumerable is null && types.DataflowBlockOptions is null && types.ExecutorOptions is null)
            {
                return;
            }

            var constructs = new ParallelConstructs(types);
            var blocks = BlockLocals.Of(start.Compilation);

            // Options kept in a field or property are settled per type: their users are the type's constructs.
            start.RegisterSymbolStartAction(
                symbolStart =>
                {
                    var pending = new ConcurrentBag<(ISymbol Holder, Diagnostic Diagnostic)>();
                    var cpuBoundHolders = new ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default);
                    symbolStart.RegisterOperationAction(
                        context =>
                        {
                            var analysis = new Analysis(context, constructs, blocks);
                            switch (context.Operation)
                            {
                                case ISimpleAssignmentOperation assignment:
                                    analysis.Assignment(assignment, pending);
                                    break;
                                case IInvocationOperation invocation when invocation.TargetMethod.Name == "WithDegreeOfParallelism":
                                    analysis.WithDegreeOfParallelism(invocation);
                                    break;
                            }

                            // Every construct fed by options from a field or property records whether its work is CPU-bound.
                            if (constructs.Recognize(context.Operation) is { DegreeSource: { } source } construct &&
                                Holder(source.WalkDownConversion()) is { } holder && analysis.IsCpuBound(construct))
                            {
                                cpuBoundHolders[holder] = true;
                            }
                        },
                        OperationKind.SimpleAssignment,
                        OperationKind.Invocation,
                        OperationKind.ObjectCreation);
                    symbolStart.RegisterSymbolEndAction(end =>
                    {
                        foreach (var (holder, diagnostic) in pending)
                        {
                            if (cpuBoundHolders.ContainsKey(holder))
                            {
                                end.Report(diagnostic);
                            }
                        }
                    });
                },
                SymbolKind.NamedType);
        });
    }

    /// <summary>The field or property an options object is read from or stored in.</summary>
    private static ISymbol? Holder(IOperation? operation) => operation switch
    {
        IFieldReferenceOperation { Field: var field } => field.OriginalDefinition,
        IPropertyReferenceOperation { Property: { Parameters.Length: 0 } property } => property.OriginalDefinition,
        _ => null,
    };

    /// <summary>The checks of one operation: its degree, where its options go, and whether that work is CPU-bound.</summary>
    private readonly struct Analysis
    {
        private readonly OperationAnalysisContext context;
        private readonly ParallelConstructs constructs;
        private readonly BlockLocals blocks;

        public Analysis(OperationAnalysisContext context, ParallelConstructs constructs, BlockLocals blocks)
        {
            this.context = context;
            this.constructs = constructs;
            this.blocks = blocks;
        }

        private KnownTypes Types => constructs.Types;

        /// <summary>The locals of the operation's block, gathered only for blocks with a hard-coded degree.</summary>
        private LocalUsages Locals => blocks.For(context.Operation);

        /// <summary><c>MaxDegreeOfParallelism = X</c>, in an initializer or on an options object.</summary>
        public void Assignment(ISimpleAssignmentOperation assignment, ConcurrentBag<(ISymbol Holder, Diagnostic Diagnostic)> pending)
        {
            if (assignment.Target is not IPropertyReferenceOperation { Property: var property } target || !IsDegreeProperty(property) ||
                HardCoded(assignment.Value) is not { } diagnostic)
            {
                return;
            }

            IOperation? options = target.Instance?.WalkDownConversion();
            if (options is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
            {
                // In an object initializer: the options are the creation.
                options = assignment.Parent is IObjectOrCollectionInitializerOperation { Parent: IObjectCreationOperation creation } ? creation : null;
            }

            switch (Reaches(options))
            {
                case Reach.CpuBound:
                    context.Report(diagnostic);
                    break;
                case Reach.Holder:
                    if (HolderOf(options) is { } holder)
                    {
                        pending.Add((holder, diagnostic));
                    }

                    break;
            }
        }

        /// <summary>PLINQ's <c>WithDegreeOfParallelism(X)</c>: the query it configures is the work.</summary>
        public void WithDegreeOfParallelism(IInvocationOperation invocation)
        {
            if (!KnownTypes.Is((invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).ContainingType, Types.ParallelEnumerable) ||
                invocation.Argument(1) is not { } degree ||
                HardCoded(degree.Value) is not { } diagnostic)
            {
                return;
            }

            if (constructs.Recognize(constructs.QueryAnchor(invocation)) is { } query && query.DegreeSource?.Syntax == degree.Value.Syntax && IsCpuBound(query))
            {
                context.Report(diagnostic);
            }
        }

        /// <summary>True when no body of the construct awaits or hands back a task: its work is CPU-bound.</summary>
        public bool IsCpuBound(ParallelConstruct construct)
        {
            var calls = construct.Kind == ConstructKind.Plinq && construct.Operation is IInvocationOperation anchor
                ? constructs.PlinqChain(anchor).Cast<IOperation>()
                : new[] { construct.Operation };
            var bodies = 0;
            foreach (var call in calls)
            {
                foreach (var body in Bodies(call))
                {
                    bodies++;
                    if (!IsCpuBoundBody(body))
                    {
                        return false;
                    }
                }
            }

            return bodies > 0;
        }

        private enum Reach
        {
            None,
            CpuBound,
            Holder,
        }

        /// <summary>Where an options object goes: a CPU-bound construct (inline or through a local), a field or property, or elsewhere.</summary>
        private Reach Reaches(IOperation? options)
        {
            switch (options)
            {
                case ILocalReferenceOperation { Local: var local }:
                    return LocalReachesCpuBound(local) ? Reach.CpuBound : Reach.None;
                case IFieldReferenceOperation or IPropertyReferenceOperation when Holder(options) is not null:
                    return Reach.Holder;
                case IObjectCreationOperation creation:
                    IOperation value = creation;
                    while (value.Parent is IConversionOperation conversion)
                    {
                        value = conversion;
                    }

                    switch (value.Parent)
                    {
                        case IArgumentOperation { Parent: { } call }:
                            return constructs.Recognize(call) is { } construct && construct.DegreeSource?.WalkDownConversion() == creation && IsCpuBound(construct)
                                ? Reach.CpuBound
                                : Reach.None;
                        case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                            return LocalReachesCpuBound(declarator.Symbol) ? Reach.CpuBound : Reach.None;
                        case IFieldInitializerOperation or IPropertyInitializerOperation:
                        case IReturnOperation when Getter(context.ContainingSymbol) is not null:
                            return Reach.Holder;
                        case ISimpleAssignmentOperation assignment when assignment.Value == value:
                            return Reaches(assignment.Target);
                        default:
                            return Reach.None;
                    }

                default:
                    return Reach.None;
            }
        }

        /// <summary>The field or property that keeps the options, for <see cref="Reach.Holder"/>.</summary>
        private ISymbol? HolderOf(IOperation? options)
        {
            if (Holder(options) is { } direct)
            {
                return direct;
            }

            IOperation? value = options;
            while (value?.Parent is IConversionOperation conversion)
            {
                value = conversion;
            }

            return value?.Parent switch
            {
                IFieldInitializerOperation { InitializedFields: { Length: 1 } fields } => fields[0].OriginalDefinition,
                IPropertyInitializerOperation { InitializedProperties: { Length: 1 } properties } => properties[0].OriginalDefinition,
                ISimpleAssignmentOperation assignment when assignment.Value == value => Holder(assignment.Target),
                IReturnOperation => Getter(context.ContainingSymbol),
                _ => null,
            };
        }

        /// <summary>The property whose getter <paramref name="symbol"/> is (<c>Options => new() { ... }</c>).</summary>
        private static ISymbol? Getter(ISymbol symbol) =>
            symbol is IMethodSymbol { MethodKind: MethodKind.PropertyGet, AssociatedSymbol: IPropertySymbol { Parameters.Length: 0 } property } ? property.OriginalDefinition : null;

        /// <summary>True when a construct that takes the local as its options runs CPU-bound work.</summary>
        private bool LocalReachesCpuBound(ILocalSymbol local)
        {
            foreach (var reference in Locals.References(local))
            {
                IOperation value = reference;
                while (value.Parent is IConversionOperation conversion)
                {
                    value = conversion;
                }

                if (value.Parent is IArgumentOperation { Parent: { } call } &&
                    constructs.Recognize(call) is { } construct &&
                    construct.DegreeSource?.WalkDownConversion() == reference &&
                    IsCpuBound(construct))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The diagnostic for a hard-coded degree, or null for a degree that may follow the machine.</summary>
        private Diagnostic? HardCoded(IOperation value)
        {
            var max = RuleOptions.MaxConstantDegree(context.Options, value.Syntax.SyntaxTree);
            var resolved = Resolve(value);
            var isHardCoded = Constant(resolved) is { } constant
                ? constant > max
                : resolved is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply, OperatorMethod: null } product &&
                  ((IsCores(product.LeftOperand) && Constant(product.RightOperand) > 1) ||
                   (IsCores(product.RightOperand) && Constant(product.LeftOperand) > 1));
            return isHardCoded
                ? Diagnostic.Create(Rules.HardCodedDegree, value.Syntax.GetLocation(), value.Syntax.ToString())
                : null;
        }

        /// <summary>
        /// The value under conversions, a local's value where it is initialized once and never written again, and a
        /// <c>readonly</c> (or private) field's where its type gives it one value (<c>static readonly int Workers = 8</c>).
        /// </summary>
        private IOperation Resolve(IOperation value)
        {
            value = value.WalkDownConversion();
            for (var depth = 0; depth < 4 && value is IFieldReferenceOperation { Field: var field } && !value.ConstantValue.HasValue &&
                                constructs.Flow.SingleValue(field, constructs) is { } kept; depth++)
            {
                value = kept;
            }

            if (value is ILocalReferenceOperation { Local: { IsConst: false, IsRef: false } local } && value.ConstantValue.HasValue == false)
            {
                var locals = Locals;
                if (!locals.IsReassigned(local) && locals.InitialValue(local) is { } initial)
                {
                    return initial.WalkDownConversion();
                }
            }

            return value;
        }

        /// <summary>A numeric constant (literal, const field or local, or a local initialized once with one).</summary>
        private double? Constant(IOperation value)
        {
            var constant = value.ConstantValue;
            if (!constant.HasValue)
            {
                constant = Resolve(value).ConstantValue;
            }

            return constant is { HasValue: true, Value: var number } && number is int or long or short or byte or sbyte or ushort or uint or ulong or double or float or decimal
                ? System.Convert.ToDouble(number, System.Globalization.CultureInfo.InvariantCulture)
                : null;
        }

        /// <summary><c>Environment.ProcessorCount</c>, or the runtime's <c>Cores.Logical/Physical/Available</c>.</summary>
        private bool IsCores(IOperation value) =>
            Resolve(value) is IPropertyReferenceOperation { Property: var property } &&
            ((KnownTypes.Is(property.ContainingType, Types.Environment) && property.Name == "ProcessorCount") ||
             (KnownTypes.Is(property.ContainingType, Types.Cores) && property.Name is "Logical" or "Physical" or "Available"));

        private bool IsDegreeProperty(IPropertySymbol property) =>
            property.Name == "MaxDegreeOfParallelism" &&
            (KnownTypes.Is(property.ContainingType, Types.ParallelOptions) || KnownTypes.Is(property.ContainingType, Types.DataflowBlockOptions) ||
             KnownTypes.Is(property.ContainingType, Types.ExecutorOptions));

        /// <summary>The delegates a call or creation passes on (lambdas, method groups, delegate values).</summary>
        private static IEnumerable<IOperation> Bodies(IOperation call)
        {
            var arguments = call switch
            {
                IInvocationOperation invocation => invocation.Arguments,
                IObjectCreationOperation creation => creation.Arguments,
                _ => ImmutableArray<IArgumentOperation>.Empty,
            };
            foreach (var argument in arguments)
            {
                var value = argument.Value.WalkDownConversion();

                // Parallel.Invoke(params Action[]): each element is a body.
                var values = value is IArrayCreationOperation { Initializer: { } initializer } ? initializer.ElementValues.Select(e => e.WalkDownConversion()) : new[] { value };
                foreach (var element in values)
                {
                    if (element.Type?.TypeKind == TypeKind.Delegate || element is IDelegateCreationOperation)
                    {
                        yield return element;
                    }
                }
            }
        }

        /// <summary>
        /// A lambda that neither awaits nor hands back a task still to run; a method group or delegate value that
        /// returns no task.
        /// </summary>
        private bool IsCpuBoundBody(IOperation body)
        {
            switch (body)
            {
                case IDelegateCreationOperation { Target: IAnonymousFunctionOperation function }:
                    return !HasAwait(function.Body) && (!IsTaskLike(function.Symbol.ReturnType) || ReturnsOnlyCompletedTasks(function.Body));
                case IDelegateCreationOperation { Target: IMethodReferenceOperation { Method: var method } }:
                    return !method.IsAsync && !IsTaskLike(method.ReturnType);
                default:
                    return body.Type is INamedTypeSymbol { DelegateInvokeMethod: { } invoke } && !IsTaskLike(invoke.ReturnType);
            }
        }

        private bool IsTaskLike(ITypeSymbol type) =>
            Types.IsTask(type) ||
            (type.Name == "ValueTask" && Types.Task is { } task && SymbolEqualityComparer.Default.Equals(type.ContainingNamespace, task.ContainingNamespace));

        /// <summary>An <c>await</c> (or <c>await foreach</c> / <c>await using</c>) of the function itself, not of a function nested in it.</summary>
        private static bool HasAwait(IOperation body)
        {
            foreach (var operation in OwnOperations(body))
            {
                switch (operation)
                {
                    case IAwaitOperation:
                    case IForEachLoopOperation { IsAsynchronous: true }:
                    case IUsingOperation { IsAsynchronous: true }:
                    case IUsingDeclarationOperation { IsAsynchronous: true }:
                        return true;
                }
            }

            return false;
        }

        /// <summary>True when every return of a non-async task-returning lambda hands back a task that is already complete.</summary>
        private bool ReturnsOnlyCompletedTasks(IOperation body)
        {
            foreach (var operation in OwnOperations(body))
            {
                if (operation is IReturnOperation { ReturnedValue: { } returned } && !IsCompletedTask(returned.WalkDownConversion()))
                {
                    return false;
                }
            }

            return true;
        }

        private bool IsCompletedTask(IOperation value) => value switch
        {
            IPropertyReferenceOperation { Property.Name: "CompletedTask" } => true,
            IDefaultValueOperation => true,
            IObjectCreationOperation { Type: { } type } creation => IsTaskLike(type) && !WrapsTask(creation),
            IInvocationOperation { TargetMethod.Name: "FromResult" } call => IsTaskLike(call.TargetMethod.ContainingType),
            _ => false,
        };

        // `new ValueTask(task)` hands back a task still running; `new ValueTask<T>(value)` a result.
        private bool WrapsTask(IObjectCreationOperation creation)
        {
            foreach (var argument in creation.Arguments)
            {
                if (argument.Value.Type is { } type && IsTaskLike(type))
                {
                    return true;
                }
            }

            return false;
        }

        private static IEnumerable<IOperation> OwnOperations(IOperation body)
        {
            var pending = new Stack<IOperation>();
            pending.Push(body);
            while (pending.Count > 0)
            {
                var operation = pending.Pop();
                yield return operation;
                foreach (var child in operation.ChildOperations)
                {
                    if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                    {
                        pending.Push(child);
                    }
                }
            }
        }

    }
}
