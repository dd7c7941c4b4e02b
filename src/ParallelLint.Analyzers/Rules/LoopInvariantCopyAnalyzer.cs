using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL3002: inside a per-item body, a copy or serialization of data that no item changes (<c>ToArray</c>,
/// <c>new List&lt;T&gt;(x)</c>, <c>Clone</c>, <c>JsonSerializer.Serialize</c>, <c>string.Join</c>...).
/// </summary>
/// <remarks>
/// A warning must have no known false positives, so every doubt means "no finding": the data must be made of
/// locals, parameters and readonly fields that nothing in the body (nor a lambda elsewhere) writes, mutates or hands
/// to code that might; a collection copy must only be read afterwards (a copy the body shuffles, sorts or passes on
/// is a resample, not waste); and the copy must run for every item, not once before a <c>break</c> or <c>return</c>.
/// One operation action on calls and creations; the facts about a block are gathered only for blocks with a candidate.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LoopInvariantCopyAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the name the fixer gives the hoisted local (<c>dataArray</c>, <c>settingsJson</c>).</summary>
    internal const string NameProperty = "Name";

    // Deeper data expressions than this are not followed (generated-looking chains): no finding.
    private const int MaxDepth = 32;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Rules.LoopInvariantCopy);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
        context.RegisterCompilationStartAction(start =>
        {
            var types = new CopyTypes(start.Compilation);
            var constructs = new ParallelConstructs(KnownTypes.Of(start.Compilation));
            var blocks = new ConditionalWeakTable<IOperation, BlockFacts>();
            start.RegisterOperationAction(
                context =>
                {
                    if (types.Recognize(context.Operation) is { } copy &&
                        PerItemScope(context.Operation, constructs) is { } scope &&
                        !types.FeedsAnotherCopy(context.Operation))
                    {
                        var facts = blocks.GetValue(context.Operation.Root(), root => new BlockFacts(root));
                        if (new Check(types, facts, scope).IsFinding(copy))
                        {
                            context.Report(Diagnostic.Create(
                                Rules.LoopInvariantCopy,
                                ParallelConstruct.GetLocation(context.Operation),
                                ImmutableDictionary<string, string?>.Empty.Add(NameProperty, copy.SuggestedName(types)),
                                copy.Name,
                                copy.Data.Syntax.ToString()));
                        }
                    }
                },
                OperationKind.Invocation,
                OperationKind.ObjectCreation);
        });
    }

    /// <summary>
    /// The loop or the per-item lambda whose body runs <paramref name="operation"/> once per item, or null (outside any,
    /// or in a local function). Other lambdas are part of the per-item body they are written in: a <c>Task.Run</c>
    /// started per item, a callback passed per item. <c>Parallel.Invoke</c> runs each action once: not per item.
    /// </summary>
    internal static IOperation? PerItemScope(IOperation operation, ParallelConstructs constructs)
    {
        var child = operation;
        for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case ILoopOperation loop when loop.Body == child:
                    return loop;
                case ILocalFunctionOperation:
                    return null;
                case IAnonymousFunctionOperation function when constructs.IsPerItemLambda(function) || IsPerItemParallelBody(function, constructs):
                    return function;
            }
        }

        return null;
    }

    /// <summary>For the fixer: true when <paramref name="operation"/> is a copy this rule recognizes (it only reads its inputs).</summary>
    internal static bool IsCopy(IOperation operation, Compilation compilation) =>
        new CopyTypes(compilation).Recognize(operation.WalkDownConversion()) is not null;

    /// <summary>
    /// For the fixer: true when every reference to <paramref name="symbol"/> (a local, parameter or field) in
    /// <paramref name="within"/> only reads it.
    /// </summary>
    internal static bool IsOnlyRead(ISymbol symbol, IOperation within, Compilation compilation)
    {
        var types = new CopyTypes(compilation);
        foreach (var operation in within.DescendantsAndSelf())
        {
            var referenced = operation switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation field => field.Field,
                _ => null,
            };
            if (referenced is not null && SymbolEqualityComparer.Default.Equals(referenced, symbol) && !types.IsReadOnlyUse(operation, lenient: false))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPerItemParallelBody(IAnonymousFunctionOperation function, ParallelConstructs constructs) =>
        constructs.OwnerOfBody(function)?.Kind is ConstructKind.ParallelFor or ConstructKind.ParallelForEach or
            ConstructKind.ParallelForAsync or ConstructKind.ParallelForEachAsync or ConstructKind.Plinq or
            ConstructKind.RuntimeExecutor or ConstructKind.DataflowBlock;


    private enum CopyKind
    {
        /// <summary>A new mutable collection: a finding only while the body just reads it.</summary>
        Collection,

        /// <summary>A string: immutable, always a finding once its input is invariant.</summary>
        Text,

        /// <summary>Serialized bytes: a finding unless the body writes into the array.</summary>
        Bytes,
    }

    /// <summary>A recognized copy: the call or creation, what it copies, and the other inputs that must be invariant too.</summary>
    private sealed class Copy
    {
        public Copy(IOperation operation, CopyKind kind, string name, string suffix, IOperation data, ImmutableArray<IOperation> inputs)
        {
            Operation = operation;
            Kind = kind;
            Name = name;
            Suffix = suffix;
            Data = data;
            Inputs = inputs;
        }

        /// <summary>The copying call or creation.</summary>
        public IOperation Operation { get; }

        public CopyKind Kind { get; }

        /// <summary>
        /// True when the result depends on the members of the data's objects, not only on which objects it holds:
        /// serializations, and copies through lambdas (<c>items.Select(i =&gt; i.Score).ToArray()</c>).
        /// </summary>
        public bool IsDeep => Kind != CopyKind.Collection || Data.Descendants().Any(part => part is IAnonymousFunctionOperation) ||
                              Inputs.Any(input => input.DescendantsAndSelf().Any(part => part is IAnonymousFunctionOperation));

        /// <summary>The copying call as users write it: <c>ToArray</c>, <c>JsonSerializer.Serialize</c>, <c>new List&lt;double&gt;</c>.</summary>
        public string Name { get; }

        /// <summary>What the hoisted local's name ends with: <c>Array</c>, <c>Json</c>, <c>Joined</c>.</summary>
        public string Suffix { get; }

        /// <summary>The copied data expression.</summary>
        public IOperation Data { get; }

        /// <summary>Every other argument (separators, options, comparers, key selectors).</summary>
        public ImmutableArray<IOperation> Inputs { get; }

        public string SuggestedName(CopyTypes types)
        {
            var root = types.RootName(Data) ?? "data";
            root = root.TrimStart('_');
            if (root.StartsWith("m_", System.StringComparison.Ordinal))
            {
                root = root.Substring(2);
            }

            return root.Length == 0 ? "copy" : char.ToLowerInvariant(root[0]) + root.Substring(1) + Suffix;
        }
    }

    /// <summary>The copying and read-only APIs, resolved once per compilation.</summary>
    private sealed class CopyTypes
    {
        private static readonly ImmutableHashSet<string> PureOperators = ImmutableHashSet.Create(
            "Where", "Select", "SelectMany", "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending", "Order",
            "OrderDescending", "Distinct", "DistinctBy", "Skip", "Take", "SkipWhile", "TakeWhile", "SkipLast", "TakeLast",
            "Concat", "Union", "UnionBy", "Intersect", "IntersectBy", "Except", "ExceptBy", "Reverse", "Zip", "GroupBy",
            "Cast", "OfType", "AsEnumerable", "Append", "Prepend", "DefaultIfEmpty", "Chunk", "Join", "GroupJoin",
            "ToArray", "ToList", "ToHashSet", "ToDictionary", "ToLookup");

        private static readonly ImmutableHashSet<string> EnumerableCopies = ImmutableHashSet.Create(
            "ToArray", "ToList", "ToHashSet", "ToDictionary", "ToLookup");

        private readonly Compilation compilation;
        private readonly KnownTypes known;
        private readonly INamedTypeSymbol? enumerable;
        private readonly INamedTypeSymbol? immutableArrayExtensions;
        private readonly INamedTypeSymbol? jsonSerializer;
        private readonly INamedTypeSymbol? cloneable;
        private readonly INamedTypeSymbol? console;
        private readonly INamedTypeSymbol? stringBuilder;
        private readonly INamedTypeSymbol? math;
        private readonly INamedTypeSymbol? queryable;
        private readonly INamedTypeSymbol? parallelQuery;
        private readonly INamedTypeSymbol? asyncEnumerable;
        private readonly INamedTypeSymbol? orderedEnumerable;
        private readonly ImmutableHashSet<INamedTypeSymbol> collections;
        private readonly ImmutableHashSet<INamedTypeSymbol> instanceToArray;
        private readonly ImmutableHashSet<INamedTypeSymbol> concurrent;
        private readonly ImmutableHashSet<INamedTypeSymbol> readOnlyParameters;
        private readonly ImmutableHashSet<INamedTypeSymbol> mutableViews;

        public CopyTypes(Compilation compilation)
        {
            this.compilation = compilation;
            known = KnownTypes.Of(compilation);
            enumerable = known.Enumerable;
            immutableArrayExtensions = known.ImmutableArrayExtensions;
            jsonSerializer = known.JsonSerializer;
            cloneable = known.Cloneable;
            console = known.Console;
            stringBuilder = known.StringBuilder;
            math = known.Math;
            queryable = known.Queryable;
            parallelQuery = known.ParallelQuery;
            asyncEnumerable = known.AsyncEnumerable;
            orderedEnumerable = known.OrderedEnumerable;
            collections = Set(
                "System.Collections.Generic.List`1", "System.Collections.Generic.HashSet`1", "System.Collections.Generic.Dictionary`2",
                "System.Collections.Generic.Queue`1", "System.Collections.Generic.Stack`1", "System.Collections.Generic.SortedSet`1",
                "System.Collections.Generic.SortedDictionary`2", "System.Collections.Generic.SortedList`2",
                "System.Collections.Generic.LinkedList`1");
            instanceToArray = Set(
                "System.Collections.Generic.List`1", "System.Collections.Generic.Queue`1", "System.Collections.Generic.Stack`1",
                "System.Collections.Immutable.ImmutableArray`1");
            concurrent = Set(
                "System.Collections.Concurrent.IProducerConsumerCollection`1", "System.Collections.Concurrent.ConcurrentDictionary`2",
                "System.Collections.Concurrent.BlockingCollection`1");
            readOnlyParameters = Set(
                "System.Collections.Generic.IReadOnlyDictionary`2", "System.Collections.Generic.IReadOnlySet`1",
                "System.ReadOnlySpan`1", "System.ReadOnlyMemory`1")
                .Union(new[]
                {
                    compilation.GetSpecialType(SpecialType.System_Collections_IEnumerable),
                    compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T),
                    compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyCollection_T),
                    compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyList_T),
                }.Where(type => type.TypeKind != TypeKind.Error));
            mutableViews = Set("System.Span`1", "System.Memory`1", "System.ArraySegment`1");
        }

        private ImmutableHashSet<INamedTypeSymbol> Set(params string[] names)
        {
            var builder = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var name in names)
            {
                if (known.Named(name) is { } type)
                {
                    builder.Add(type);
                }
            }

            return builder.ToImmutable();
        }

        /// <summary>The copy that <paramref name="operation"/> makes, if it is one of the recognized kinds.</summary>
        public Copy? Recognize(IOperation operation)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    return RecognizeCall(invocation);
                case IObjectCreationOperation { Constructor: { } constructor, Initializer: null } creation
                    when creation.Type is INamedTypeSymbol type && collections.Contains(type.OriginalDefinition):
                    // new List<T>(source), new Dictionary<K, V>(source, comparer): the argument that is a collection.
                    IOperation? source = null;
                    var inputs = ImmutableArray.CreateBuilder<IOperation>();
                    foreach (var argument in creation.Arguments)
                    {
                        if (argument.Parameter is { } parameter && source is null && IsSequenceParameter(parameter.Type))
                        {
                            source = argument.Value;
                        }
                        else
                        {
                            inputs.Add(argument.Value);
                        }
                    }

                    if (source is null)
                    {
                        return null;
                    }

                    var name = creation.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.ObjectCreationExpressionSyntax explicitCreation
                        ? "new " + explicitCreation.Type
                        : "new " + type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
                    return new Copy(creation, CopyKind.Collection, name, CollectionSuffix(type.Name), source, inputs.ToImmutable());
                default:
                    return null;
            }
        }

        private Copy? RecognizeCall(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            var definition = method.ReducedFrom ?? method;
            var type = definition.ContainingType?.OriginalDefinition;
            if (type is null)
            {
                return null;
            }

            // data.ToArray() / ToList() / ToHashSet() / ToDictionary(k) / ToLookup(k): the source is the extension's first argument.
            if ((KnownTypes.Is(type, enumerable) && EnumerableCopies.Contains(method.Name)) ||
                (KnownTypes.Is(type, immutableArrayExtensions) && method.Name == "ToArray"))
            {
                return invocation.Instance is null && invocation.Argument(0) is { } source
                    ? new Copy(invocation, CopyKind.Collection, method.Name, CopySuffix(method.Name), source.Value, Rest(invocation.Arguments, 0, skip: invocation.Arguments.IndexOf(source)))
                    : null;
            }

            // list.ToArray(), queue.ToArray(), immutableArray.ToArray().
            if (method.Name is "ToArray" && method.Parameters.IsEmpty && invocation.Instance is { } receiver && instanceToArray.Contains(type))
            {
                return new Copy(invocation, CopyKind.Collection, method.Name, "Array", receiver, ImmutableArray<IOperation>.Empty);
            }

            // array.Clone(), cloneable.Clone().
            if (method.Name == "Clone" && method.Parameters.IsEmpty && !method.IsStatic && invocation.Instance is { Type: { } instanceType } instance &&
                (instanceType is IArrayTypeSymbol || KnownTypes.Is(type, compilation.GetSpecialType(SpecialType.System_Array)) || Implements(instanceType, cloneable)))
            {
                return new Copy(invocation, CopyKind.Collection, "Clone", "Copy", instance, ImmutableArray<IOperation>.Empty);
            }

            // JsonSerializer.Serialize(value, ...) to a string, SerializeToUtf8Bytes(value, ...) to bytes.
            if (KnownTypes.Is(type, jsonSerializer) && method.Name is "Serialize" or "SerializeToUtf8Bytes")
            {
                var kind = method.ReturnType.SpecialType == SpecialType.System_String ? CopyKind.Text
                    : method.ReturnType is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte } ? CopyKind.Bytes
                    : (CopyKind?)null;
                return kind is { } known && Split(invocation.Arguments, "value") is var (data, others) && data is not null
                    ? new Copy(invocation, known, "JsonSerializer." + method.Name, known == CopyKind.Text ? "Json" : "JsonBytes", data, others)
                    : null;
            }

            if (type.SpecialType == SpecialType.System_String && method.IsStatic)
            {
                // string.Join(separator, values), string.Concat(values): only over a collection, not the params list form.
                if (method.Name == "Join" && invocation.Arguments.Length >= 2 && invocation.Argument(1) is { ArgumentKind: ArgumentKind.Explicit } values &&
                    IsCollection(Underlying(values.Value).Type))
                {
                    return new Copy(invocation, CopyKind.Text, "string.Join", "Joined", values.Value, Rest(invocation.Arguments, 0, skip: invocation.Arguments.IndexOf(values)));
                }

                if (method.Name == "Concat" && invocation.Arguments.Length == 1 && invocation.Arguments[0] is { ArgumentKind: ArgumentKind.Explicit } single &&
                    IsCollection(Underlying(single.Value).Type))
                {
                    return new Copy(invocation, CopyKind.Text, "string.Concat", "Concatenated", single.Value, ImmutableArray<IOperation>.Empty);
                }
            }

            return null;
        }

        /// <summary>True when the copy is itself the input of an enclosing copy (<c>string.Join(",", ids.ToList())</c>): that one is reported.</summary>
        public bool FeedsAnotherCopy(IOperation copy)
        {
            var value = copy;
            while (value.Parent is IConversionOperation conversion)
            {
                value = conversion;
            }

            var consumer = value.Parent is IArgumentOperation argument ? argument.Parent : value.Parent;
            return consumer is IInvocationOperation or IObjectCreationOperation && Recognize(consumer!) is { } outer && Contains(outer.Data, copy);
        }

        private static bool Contains(IOperation data, IOperation copy) => data.Syntax.Span.Contains(copy.Syntax.Span);

        /// <summary>The variable a data expression starts from: <c>data</c> in <c>data.Where(...)</c>, <c>samples</c> in <c>this.samples</c>.</summary>
        public string? RootName(IOperation data)
        {
            for (var depth = 0; depth < MaxDepth; depth++)
            {
                switch (data.WalkDownConversion())
                {
                    case ILocalReferenceOperation local:
                        return local.Local.Name;
                    case IParameterReferenceOperation parameter:
                        return parameter.Parameter.Name;
                    case IFieldReferenceOperation field:
                        return field.Field.Name;
                    case IInvocationOperation { Instance: null } call when call.Argument(0) is { } source:
                        data = source.Value;
                        break;
                    case IInvocationOperation { Instance: { } instance }:
                        data = instance;
                        break;
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>A known pure LINQ operator (no side effects of its own, the same result for the same inputs).</summary>
        public bool IsPureOperator(IMethodSymbol method) =>
            KnownTypes.Is((method.ReducedFrom ?? method).ContainingType?.OriginalDefinition, enumerable) && PureOperators.Contains(method.Name);

        /// <summary>Static helpers that are pure functions of their (value) arguments, allowed in LINQ lambdas.</summary>
        public bool IsPureHelper(IMethodSymbol method) =>
            (method.IsStatic && KnownTypes.Is(method.ContainingType, math)) ||
            method.ContainingType?.SpecialType == SpecialType.System_String ||
            (method.ContainingType is { IsValueType: true } valueType && valueType.SpecialType != SpecialType.None);

        /// <summary>Collections a copy must not be taken of: other threads may change them at any time.</summary>
        public bool IsConcurrent(ITypeSymbol? type)
        {
            if (type is null)
            {
                return false;
            }

            if (type is INamedTypeSymbol named && concurrent.Contains(named.OriginalDefinition))
            {
                return true;
            }

            foreach (var implemented in type.AllInterfaces)
            {
                if (concurrent.Contains(implemented.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A sequence that may be lazy (an <c>IEnumerable&lt;T&gt;</c> variable, a query): enumerating it again may give
        /// other items, so copying it per item is not known to be invariant.
        /// </summary>
        public bool IsLazySequence(ITypeSymbol? type)
        {
            if (type is null || type.TypeKind == TypeKind.Error)
            {
                return true;
            }

            var definition = type.OriginalDefinition;
            if (definition.SpecialType is SpecialType.System_Collections_IEnumerable or SpecialType.System_Collections_Generic_IEnumerable_T or SpecialType.System_Object ||
                KnownTypes.Is(definition, asyncEnumerable) || KnownTypes.Is(definition, parallelQuery))
            {
                return true;
            }

            return type.TypeKind == TypeKind.TypeParameter || KnownTypes.Is(definition, orderedEnumerable) ||
                   (type.TypeKind == TypeKind.Interface && Implements(type, queryable));
        }

        /// <summary>True when the argument's callee only reads it.</summary>
        public bool IsReadOnlyArgument(IArgumentOperation argument, IOperation value, bool lenient)
        {
            if (argument.Parameter is not { } parameter || parameter.RefKind is RefKind.Ref or RefKind.Out)
            {
                return false;
            }

            var parameterType = parameter.OriginalDefinition.Type;
            if (parameterType is INamedTypeSymbol view && mutableViews.Contains(view.OriginalDefinition))
            {
                return false;
            }

            // Passed by value: the callee gets its own copy.
            if (IsValueLike(Underlying(value).Type) && IsValueLike(value.Type))
            {
                return true;
            }

            var callee = argument.Parent switch
            {
                IInvocationOperation invocation => (ISymbol)(invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod),
                IObjectCreationOperation creation => creation.Constructor,
                _ => null,
            };
            var type = callee?.ContainingType?.OriginalDefinition;
            if (type is not null)
            {
                if (type.SpecialType == SpecialType.System_Array)
                {
                    return callee!.Name is "IndexOf" or "LastIndexOf" or "BinarySearch" or "Exists" or "Find" or "FindAll" or "FindIndex" or
                               "FindLast" or "FindLastIndex" or "TrueForAll" or "ConvertAll" or "AsReadOnly" ||
                           (callee.Name is "Copy" or "ConstrainedCopy" && parameter.Name.StartsWith("source", System.StringComparison.Ordinal));
                }

                if (KnownTypes.Is(type, enumerable) || KnownTypes.Is(type, jsonSerializer) || KnownTypes.Is(type, console) ||
                    KnownTypes.Is(type, stringBuilder) || KnownTypes.Is(type, math) || type.SpecialType == SpecialType.System_String ||
                    (callee is IMethodSymbol { MethodKind: MethodKind.Constructor } && collections.Contains(type)))
                {
                    return true;
                }
            }

            return lenient || IsReadOnlyType(parameterType);
        }

        /// <summary>
        /// Follows a reference up its access path (<c>x.A.B[i]</c>) to where its value is used: true when that use
        /// cannot change the object (a read, a known read-only call, an argument the callee only reads).
        /// With <paramref name="lenient"/>, any argument counts as read unless it is a writable view or goes to <c>Array</c>.
        /// </summary>
        public bool IsReadOnlyUse(IOperation reference, bool lenient)
        {
            var value = reference;
            for (var depth = 0; depth < MaxDepth; depth++)
            {
                var parent = value.Parent;
                switch (parent)
                {
                    case IConversionOperation:
                        value = parent;
                        continue;
                    case IMethodReferenceOperation method when method.Instance == value:
                        return IsReadOnlyMethod(method.Method, value.Type);
                    case IEventReferenceOperation:
                        return false;
                    case IMemberReferenceOperation member when member.Instance == value:
                        value = member;
                        continue;
                    case IArrayElementReferenceOperation element when element.ArrayReference == value:
                        value = element;
                        continue;
                    case IInvocationOperation call when call.Instance == value:
                        return IsReadOnlyMethod(call.TargetMethod, value.Type);
                    case IAssignmentOperation assignment when assignment.Target == value:
                    case IIncrementOrDecrementOperation:
                    case ITupleOperation:
                    case IDeclarationExpressionOperation:
                    case IUsingOperation:
                    case IUsingDeclarationOperation:
                        return false;
                    case IArgumentOperation argument:
                        return IsReadOnlyArgument(argument, value, lenient);
                    case IForEachLoopOperation or ILockOperation or IBinaryOperation or IUnaryOperation or IIsTypeOperation or
                        IIsPatternOperation or IInterpolationOperation or IExpressionStatementOperation or ISwitchOperation or ISwitchExpressionOperation:
                        return true;
                    case IConditionalOperation conditional when conditional.Condition == value:
                        return true;
                    case IWhileLoopOperation loop when loop.Condition == value:
                        return true;
                    default:
                        // Stored, returned or handed on: only a value that is copied on the way cannot be changed through it.
                        return IsValueLike(value.Type);
                }
            }

            return false;
        }

        private static bool IsReadOnlyMethod(IMethodSymbol method, ITypeSymbol? receiver)
        {
            if (receiver?.SpecialType == SpecialType.System_String)
            {
                return true;
            }

            if (IsMutatingName(method.Name))
            {
                return false;
            }

            return receiver is { IsValueType: true } || method.Name is
                "Contains" or "ContainsKey" or "ContainsValue" or "IndexOf" or "LastIndexOf" or "BinarySearch" or "Find" or "FindAll" or
                "FindIndex" or "FindLast" or "FindLastIndex" or "Exists" or "TrueForAll" or "ConvertAll" or "GetRange" or "CopyTo" or
                "ToArray" or "ToList" or "GetEnumerator" or "GetValueOrDefault" or "TryGetValue" or "Peek" or "TryPeek" or "Equals" or
                "GetHashCode" or "ToString" or "GetType" or "GetLength" or "GetLongLength" or "GetLowerBound" or "GetUpperBound" or
                "GetValue" or "AsReadOnly" or "IsSubsetOf" or "IsSupersetOf" or "IsProperSubsetOf" or "IsProperSupersetOf" or "Overlaps" or
                "SetEquals" or "Clone" or "ForEach" or "CompareTo";
        }

        private static bool IsMutatingName(string name) =>
            name.StartsWith("Set", System.StringComparison.Ordinal) ||
            name.StartsWith("Add", System.StringComparison.Ordinal) ||
            name.StartsWith("Remove", System.StringComparison.Ordinal) ||
            name.StartsWith("Insert", System.StringComparison.Ordinal) ||
            (name.StartsWith("Try", System.StringComparison.Ordinal) && name is not "TryGetValue" and not "TryPeek") ||
            name is "Clear" or "Sort" or "Reverse" or "Push" or "Pop" or "Enqueue" or "Dequeue" or "Fill" or "Resize" or
                "ExceptWith" or "IntersectWith" or "UnionWith" or "SymmetricExceptWith" or "TrimExcess" or "EnsureCapacity" or
                "Dispose" or "GetOrAdd" or "Shuffle" or "Initialize" or "CopyFrom" or "Update";

        private bool IsReadOnlyType(ITypeSymbol type) =>
            type.SpecialType == SpecialType.System_String ||
            (type is INamedTypeSymbol named && readOnlyParameters.Contains(named.OriginalDefinition));

        /// <summary>A type whose values are copied when passed or stored, so that the receiver cannot change the original.</summary>
        public bool IsValueLike(ITypeSymbol? type) =>
            type is not null && type.TypeKind != TypeKind.Error &&
            (type.SpecialType == SpecialType.System_String ||
             (type.IsValueType && !type.IsRefLikeType && !(type is INamedTypeSymbol named && mutableViews.Contains(named.OriginalDefinition))));

        private bool IsSequenceParameter(ITypeSymbol type) =>
            type.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_IEnumerable_T ||
            (type is INamedTypeSymbol { IsGenericType: true } named && named.OriginalDefinition.AllInterfaces.Any(i =>
                i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T) && type.TypeKind == TypeKind.Interface);

        private static bool IsCollection(ITypeSymbol? type) =>
            type is not null && type.SpecialType != SpecialType.System_String && type.TypeKind != TypeKind.Error &&
            (type is IArrayTypeSymbol || type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable) ||
             type.SpecialType == SpecialType.System_Collections_IEnumerable);

        private static bool Implements(ITypeSymbol type, INamedTypeSymbol? contract) =>
            contract is not null && (KnownTypes.Is(type.OriginalDefinition, contract) || type.AllInterfaces.Any(i => KnownTypes.Is(i.OriginalDefinition, contract)));

        private static (IOperation? Data, ImmutableArray<IOperation> Others) Split(ImmutableArray<IArgumentOperation> arguments, string dataParameter)
        {
            IOperation? data = null;
            var others = ImmutableArray.CreateBuilder<IOperation>();
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Name == dataParameter && data is null)
                {
                    data = argument.Value;
                }
                else if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                {
                    others.Add(argument.Value);
                }
            }

            return (data, others.ToImmutable());
        }

        private static ImmutableArray<IOperation> Rest(ImmutableArray<IArgumentOperation> arguments, int from, int skip = -1)
        {
            var rest = ImmutableArray.CreateBuilder<IOperation>();
            for (var i = from; i < arguments.Length; i++)
            {
                if (i != skip && arguments[i].ArgumentKind != ArgumentKind.DefaultValue)
                {
                    rest.Add(arguments[i].Value);
                }
            }

            return rest.ToImmutable();
        }

        private static string CopySuffix(string method) => method switch
        {
            "ToList" => "List",
            "ToHashSet" => "Set",
            "ToDictionary" => "Dictionary",
            "ToLookup" => "Lookup",
            _ => "Array",
        };

        private static string CollectionSuffix(string type) => type switch
        {
            "HashSet" or "SortedSet" => "Set",
            "Dictionary" or "SortedDictionary" => "Dictionary",
            "SortedList" or "LinkedList" => "List",
            _ => type,
        };
    }

    internal static IOperation Underlying(IOperation operation) => operation.WalkDownConversion();

    internal static bool DeclaredWithin(ISymbol symbol, SyntaxNode node)
    {
        foreach (var location in symbol.Locations)
        {
            if (location.IsInSource && location.SourceTree == node.SyntaxTree && node.Span.Contains(location.SourceSpan))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every reference to the locals, parameters and fields of one operation block, gathered in one walk.</summary>
    private sealed class BlockFacts
    {
        private readonly Dictionary<ISymbol, List<IOperation>> references = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<ILocalSymbol, IVariableDeclaratorOperation> declarators = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<(IOperation Scope, ISymbol Symbol), bool> invariant = new();
        private readonly Dictionary<IOperation, ScopeFacts> scopes = new();

        public BlockFacts(IOperation root)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case ILocalReferenceOperation local:
                        Add(local.Local, operation);
                        break;
                    case IParameterReferenceOperation parameter:
                        Add(parameter.Parameter, operation);
                        break;
                    case IFieldReferenceOperation field:
                        Add(field.Field.OriginalDefinition, operation);
                        break;
                    case IVariableDeclaratorOperation declarator:
                        declarators[declarator.Symbol] = declarator;
                        break;
                }
            }
        }

        public IReadOnlyList<IOperation> References(ISymbol symbol) =>
            references.TryGetValue(symbol, out var list) ? list : (IReadOnlyList<IOperation>)System.Array.Empty<IOperation>();

        public IOperation? InitialValue(ILocalSymbol local) =>
            declarators.TryGetValue(local, out var declarator) ? declarator.GetVariableInitializer()?.Value : null;

        /// <summary>Memoized per scope and symbol (the operation actions of one block may run on several threads).</summary>
        public bool IsInvariant(IOperation scope, ISymbol symbol, System.Func<bool> compute)
        {
            lock (invariant)
            {
                if (invariant.TryGetValue((scope, symbol), out var known))
                {
                    return known;
                }
            }

            var result = compute();
            lock (invariant)
            {
                invariant[(scope, symbol)] = result;
            }

            return result;
        }

        public ScopeFacts Scope(IOperation scope, CopyTypes types)
        {
            lock (scopes)
            {
                if (!scopes.TryGetValue(scope, out var facts))
                {
                    scopes[scope] = facts = new ScopeFacts(scope, types, this);
                }

                return facts;
            }
        }

        private void Add(ISymbol symbol, IOperation reference)
        {
            if (!references.TryGetValue(symbol, out var list))
            {
                references[symbol] = list = new List<IOperation>();
            }

            list.Add(reference);
        }
    }

    /// <summary>What a per-item body does beyond its own variables, found in one walk of the body.</summary>
    private sealed class ScopeFacts
    {
        private readonly HashSet<ITypeSymbol> calledTypes = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ITypeSymbol> calledInstanceTypes = new(SymbolEqualityComparer.Default);

        public ScopeFacts(IOperation scope, CopyTypes types, BlockFacts facts)
        {
            foreach (var operation in scope.Descendants())
            {
                switch (operation)
                {
                    case IInvocationOperation { TargetMethod: { ContainingType: { } type } method }:
                        calledTypes.Add(type.OriginalDefinition);
                        if (!method.IsStatic)
                        {
                            calledInstanceTypes.Add(type.OriginalDefinition);
                        }

                        break;
                    case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } self
                        when self.Parent is not IMemberReferenceOperation:
                        // `this` handed out: anything may change its fields.
                        PassesThis = true;
                        break;
                    case ILocalReferenceOperation { Local: var local } when !ChangesItems && DeclaredWithin(local, scope.Syntax) && !IsFresh(local, types, facts):
                        ChangesItems = !types.IsValueLike(local.Type) && !types.IsReadOnlyUse(operation, lenient: false);
                        break;
                    case IParameterReferenceOperation { Parameter: var parameter } when !ChangesItems && DeclaredWithin(parameter, scope.Syntax):
                        ChangesItems = !types.IsValueLike(parameter.Type) && !types.IsReadOnlyUse(operation, lenient: false);
                        break;
                }
            }
        }

        /// <summary>`this` is passed, stored or returned in the body.</summary>
        public bool PassesThis { get; }

        /// <summary>
        /// The body changes (or hands on) an object it reached through the item or a body variable: the item may be an
        /// element of the data, whose members a deep copy reads (<c>job.Done = true</c> before serializing the jobs).
        /// </summary>
        public bool ChangesItems { get; }

        /// <summary>A method of <paramref name="type"/> runs in the body: only an instance method can reach an instance field.</summary>
        public bool Calls(ITypeSymbol type, bool instanceOnly) =>
            (instanceOnly ? calledInstanceTypes : calledTypes).Contains(type.OriginalDefinition);

        // A body local that holds an object made in the body (or a copy) cannot alias the data.
        private static bool IsFresh(ILocalSymbol local, CopyTypes types, BlockFacts facts) =>
            facts.InitialValue(local)?.WalkDownConversion() is { } initial &&
            (initial is IObjectCreationOperation or IArrayCreationOperation or IAnonymousObjectCreationOperation || types.Recognize(initial) is not null);
    }

    /// <summary>The checks of one candidate copy against one per-item scope.</summary>
    private readonly struct Check
    {
        private readonly CopyTypes types;
        private readonly BlockFacts facts;
        private readonly IOperation scope;

        public Check(CopyTypes types, BlockFacts facts, IOperation scope)
        {
            this.types = types;
            this.facts = facts;
            this.scope = scope;
        }

        public bool IsFinding(Copy copy)
        {
            if (RunsOnce(copy.Operation) || (copy.IsDeep && facts.Scope(scope, types).ChangesItems))
            {
                return false;
            }

            // The data must start from a variable (not a constant or Enumerable.Range) that may not be lazy or shared.
            var hasRoot = false;
            if (!IsInvariant(copy.Data, lambda: null, depth: 0, ref hasRoot) || !hasRoot)
            {
                return false;
            }

            foreach (var input in copy.Inputs)
            {
                if (!IsInvariantInput(input))
                {
                    return false;
                }
            }

            return copy.Kind switch
            {
                CopyKind.Text => true,
                CopyKind.Bytes => IsOnlyRead(copy.Operation, lenient: true),
                _ => IsOnlyRead(copy.Operation, lenient: false),
            };
        }

        /// <summary>
        /// A copy followed, in its own block, by a jump out of the loop (or inside the jump itself) runs at most once:
        /// <c>if (found) { result = data.ToList(); break; }</c>. In a lambda, <c>return</c> only ends the item.
        /// </summary>
        private bool RunsOnce(IOperation copy)
        {
            // Jumps inside a lambda nested in the body (a Task.Run per item) leave only that lambda.
            var start = copy;
            for (var current = copy; current is not null && current != scope; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation)
                {
                    start = current;
                }
            }

            var loop = scope as ILoopOperation;
            for (var current = start; current is not null && current != scope; current = current.Parent)
            {
                if (IsExit(current, loop))
                {
                    return true;
                }

                if (current.Parent is IBlockOperation block)
                {
                    var after = false;
                    foreach (var sibling in block.Operations)
                    {
                        if (after && IsExit(sibling, loop))
                        {
                            return true;
                        }

                        after |= sibling == current;
                    }
                }
            }

            return false;
        }

        private static bool IsExit(IOperation operation, ILoopOperation? loop) => operation switch
        {
            IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation } => true,
            IReturnOperation => loop is not null,
            IBranchOperation { BranchKind: BranchKind.Break } branch => loop is not null && SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel),
            IBranchOperation { BranchKind: BranchKind.GoTo } => true,
            _ => false,
        };

        /// <summary>Separators, options, comparers and key selectors: invariant too, or made in place from invariant parts.</summary>
        private bool IsInvariantInput(IOperation input)
        {
            var hasRoot = false;
            if (input.WalkDownConversion() is not (IObjectCreationOperation or ITypeOfOperation))
            {
                return IsInvariant(input, lambda: null, depth: 0, ref hasRoot);
            }

            foreach (var part in input.Descendants())
            {
                var allowed = part switch
                {
                    ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation =>
                        IsInvariant(part, lambda: null, depth: 0, ref hasRoot),
                    IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } => true,
                    IInstanceReferenceOperation => part.Parent is IFieldReferenceOperation,
                    IInvocationOperation call => types.IsPureOperator(call.TargetMethod) || types.IsPureHelper(call.TargetMethod),
                    IAnonymousFunctionOperation or IDelegateCreationOperation => false,
                    _ => true,
                };
                if (!allowed)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// True for an expression made only of invariant variables, readonly fields, constants and pure LINQ operators
        /// whose lambdas use only their own parameters, invariant variables and immutable members.
        /// </summary>
        private bool IsInvariant(IOperation operation, IAnonymousFunctionOperation? lambda, int depth, ref bool hasRoot)
        {
            if (depth > MaxDepth)
            {
                return false;
            }

            operation = operation.WalkDownConversion();
            if (operation.ConstantValue.HasValue)
            {
                return true;
            }

            switch (operation)
            {
                case ILocalReferenceOperation { Local: var local }:
                    if (lambda is not null && DeclaredWithin(local, lambda.Syntax))
                    {
                        return true;
                    }

                    hasRoot = true;
                    return IsInvariantVariable(local, local.Type, operation);
                case IParameterReferenceOperation { Parameter: var parameter }:
                    if (lambda is not null && DeclaredWithin(parameter, lambda.Syntax))
                    {
                        return true;
                    }

                    hasRoot = true;
                    return parameter.RefKind == RefKind.None && IsInvariantVariable(parameter, parameter.Type, operation);
                case IFieldReferenceOperation { Field: var field } reference:
                    if (!(field.IsReadOnly || field.IsConst))
                    {
                        // Inside a lambda, the fields of an element of value type are that element's own copy.
                        return lambda is not null && reference.Instance is { Type.IsValueType: true } valueInstance &&
                               IsInvariant(valueInstance, lambda, depth + 1, ref hasRoot);
                    }

                    if (reference.Instance is not (null or IInstanceReferenceOperation) &&
                        !IsInvariant(reference.Instance, lambda, depth + 1, ref hasRoot))
                    {
                        return false;
                    }

                    if (reference.Instance is null or IInstanceReferenceOperation)
                    {
                        hasRoot = true;
                    }

                    return field.IsConst || IsInvariantField(field);
                case IPropertyReferenceOperation { Property: var property, Instance: { } instance } when lambda is not null:
                    // Element members in a lambda: read-only properties of reference types, any property of a value.
                    return (instance.Type?.IsValueType == true || property.SetMethod is null || property.SetMethod.IsInitOnly) &&
                           property.Parameters.IsEmpty &&
                           IsInvariant(instance, lambda, depth + 1, ref hasRoot);
                case IInvocationOperation invocation:
                    if (!types.IsPureOperator(invocation.TargetMethod) &&
                        !(lambda is not null && types.IsPureHelper(invocation.TargetMethod)))
                    {
                        return false;
                    }

                    if (invocation.Instance is { } target && !IsInvariant(target, lambda, depth + 1, ref hasRoot))
                    {
                        return false;
                    }

                    foreach (var argument in invocation.Arguments)
                    {
                        if (!IsInvariant(argument.Value, lambda, depth + 1, ref hasRoot))
                        {
                            return false;
                        }
                    }

                    return true;
                case IDelegateCreationOperation { Target: IAnonymousFunctionOperation function }:
                    foreach (var part in function.Body.Descendants())
                    {
                        if (!IsAllowedInLambda(part, function, depth, ref hasRoot))
                        {
                            return false;
                        }
                    }

                    return true;
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver }:
                    return lambda is not null;
                case IPropertyReferenceOperation { Instance: null, Property: { SetMethod: null, Parameters.IsEmpty: true } }:
                    // StringComparer.Ordinal, EqualityComparer<T>.Default: get-only statics.
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>The parts of a LINQ lambda: operators and structure pass; references, members and calls are checked.</summary>
        private bool IsAllowedInLambda(IOperation part, IAnonymousFunctionOperation function, int depth, ref bool hasRoot)
        {
            switch (part)
            {
                case ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation or IInvocationOperation:
                    return IsInvariant(part, function, depth + 1, ref hasRoot);
                case ISimpleAssignmentOperation assignment:
                    // Only the lambda's own locals, or the members of an anonymous object it creates.
                    return (assignment.Target is ILocalReferenceOperation { Local: var target } && DeclaredWithin(target, function.Syntax)) ||
                           assignment.Target is IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } };
                case IDelegateCreationOperation or IAnonymousFunctionOperation:
                    // Nested lambdas: their parts are visited as descendants of the outer one.
                    return true;
                case IBinaryOperation or IUnaryOperation or IConversionOperation or ILiteralOperation or IConditionalOperation or
                    IReturnOperation or IBlockOperation or IExpressionStatementOperation or IVariableDeclarationGroupOperation or
                    IVariableDeclarationOperation or IVariableDeclaratorOperation or IVariableInitializerOperation or ITupleOperation or
                    IIsPatternOperation or IPatternOperation or IIsTypeOperation or IAnonymousObjectCreationOperation or
                    IInterpolatedStringOperation or IInterpolatedStringContentOperation or IDefaultValueOperation or ITypeOfOperation or
                    ICoalesceOperation or IConditionalAccessOperation or IConditionalAccessInstanceOperation or IArgumentOperation or
                    IInstanceReferenceOperation or IDiscardOperation:
                    return true;
                default:
                    return false;
            }
        }

        private bool IsInvariantVariable(ISymbol symbol, ITypeSymbol type, IOperation reference)
        {
            if (DeclaredWithin(symbol, scope.Syntax) || symbol is ILocalSymbol { IsRef: true } ||
                types.IsConcurrent(type) || types.IsLazySequence(type) || reference.Syntax.SyntaxTree != scope.Syntax.SyntaxTree)
            {
                return false;
            }

            var self = this;
            return facts.IsInvariant(scope, symbol, () => self.NoWriteThatMatters(symbol));
        }

        private bool IsInvariantField(IFieldSymbol field)
        {
            if (types.IsConcurrent(field.Type) || types.IsLazySequence(field.Type))
            {
                return false;
            }

            // A method of the field's type (or `this` handed out) may change what the field holds.
            var body = facts.Scope(scope, types);
            if (!types.IsValueLike(field.Type) && (body.PassesThis || body.Calls(field.ContainingType, instanceOnly: !field.IsStatic)))
            {
                return false;
            }

            var self = this;
            return facts.IsInvariant(scope, field.OriginalDefinition, () => self.NoWriteThatMatters(field.OriginalDefinition));
        }

        /// <summary>
        /// Every reference inside the scope only reads, and so does every reference in a lambda or local function
        /// outside it (which might run while the loop does). A local must not alias another variable or a member.
        /// </summary>
        private bool NoWriteThatMatters(ISymbol symbol)
        {
            if (symbol is ILocalSymbol local && facts.InitialValue(local) is { } initial && IsAlias(initial))
            {
                return false;
            }

            foreach (var reference in facts.References(symbol))
            {
                if (reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference && IsAlias(assignment.Value))
                {
                    return false;
                }

                var inside = scope.Syntax.Span.Contains(reference.Syntax.Span);
                if ((inside || InOtherFunction(reference)) && !types.IsReadOnlyUse(reference, lenient: false))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsAlias(IOperation value) =>
            value.WalkDownConversion() is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation;

        private bool InOtherFunction(IOperation reference)
        {
            for (var parent = reference.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return !parent.Syntax.Span.Contains(scope.Syntax.Span);
                }
            }

            return false;
        }

        /// <summary>
        /// A collection copy is legitimate when the body may change it: stored in a local, every use of that local (and
        /// otherwise the copy's own use) must only read it.
        /// </summary>
        private bool IsOnlyRead(IOperation copy, bool lenient)
        {
            var value = copy;
            while (value.Parent is IConversionOperation conversion)
            {
                value = conversion;
            }

            if (value.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: { IsRef: false } local } })
            {
                foreach (var reference in facts.References(local))
                {
                    if (!types.IsReadOnlyUse(reference, lenient))
                    {
                        return false;
                    }
                }

                return true;
            }

            return types.IsReadOnlyUse(copy, lenient);
        }
    }
}
