using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>What an expression may contain and still be the same for every item; each rule states its own.</summary>
internal sealed class InvarianceOptions
{
    public InvarianceOptions(Func<IMethodSymbol, bool> isPure, bool readsMembers, bool allowsCreations)
    {
        IsPure = isPure;
        ReadsMembers = readsMembers;
        AllowsCreations = allowsCreations;
    }

    /// <summary>The calls that give the same result for the same (invariant) inputs, outside lambdas.</summary>
    public Func<IMethodSymbol, bool> IsPure { get; }

    /// <summary>Instance properties of invariant values count as invariant (<c>settings.Values</c>).</summary>
    public bool ReadsMembers { get; }

    /// <summary>Objects, arrays and strings composed in place from invariant parts count as invariant.</summary>
    public bool AllowsCreations { get; }
}

/// <summary>
/// The one check that a value is the same for every item of a <see cref="PerItemBody"/>: made of variables declared
/// outside the body that nothing in it writes, mutates or hands to code that might (<see cref="Uses"/>), nor a lambda
/// or local function elsewhere; of readonly fields; of constants; and of pure calls over them. Lazy sequences and
/// concurrent collections are never invariant: enumerating them again, or another thread, may give other items.
/// </summary>
internal sealed class Invariance
{
    // Deeper expressions than this are not followed (generated-looking chains): not invariant.
    private const int MaxDepth = 32;

    private static readonly ImmutableHashSet<string> PureOperators = ImmutableHashSet.Create(
        "Where", "Select", "SelectMany", "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending", "Order",
        "OrderDescending", "Distinct", "DistinctBy", "Skip", "Take", "SkipWhile", "TakeWhile", "SkipLast", "TakeLast",
        "Concat", "Union", "UnionBy", "Intersect", "IntersectBy", "Except", "ExceptBy", "Reverse", "Zip", "GroupBy",
        "Cast", "OfType", "AsEnumerable", "Append", "Prepend", "DefaultIfEmpty", "Chunk", "Join", "GroupJoin",
        "ToArray", "ToList", "ToHashSet", "ToDictionary", "ToLookup");

    // One per per-item body (keyed by its scope operation): the body's facts are gathered once for all its candidates.
    private static readonly ConditionalWeakTable<IOperation, Invariance> Cache = new();

    private readonly KnownTypes known;
    private readonly Uses uses;
    private readonly ImmutableHashSet<INamedTypeSymbol> concurrent;
    private BodyFacts? facts;

    private Invariance(PerItemBody body, Compilation compilation)
    {
        Body = body;
        References = BlockReferences.For(body.Scope);
        known = KnownTypes.Of(compilation);
        uses = Uses.Of(compilation);
        concurrent = new[]
            {
                "System.Collections.Concurrent.IProducerConsumerCollection`1", "System.Collections.Concurrent.ConcurrentDictionary`2",
                "System.Collections.Concurrent.BlockingCollection`1",
            }.Select(known.Named).Where(type => type is not null).Select(type => type!)
            .ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
    }

    public PerItemBody Body { get; }

    /// <summary>The check for <paramref name="body"/>, shared by every rule and candidate in it.</summary>
    public static Invariance For(PerItemBody body, Compilation compilation) =>
        Cache.GetValue(body.Scope, _ => new Invariance(body, compilation));

    public BlockReferences References { get; }

    /// <summary>
    /// The body changes (or hands on) an object it reached through the item or a body variable: the item may be an
    /// element of the data, whose members a deep copy reads (<c>job.Done = true</c> before serializing the jobs).
    /// </summary>
    public bool ChangesItems => Facts.ChangesItems;

    /// <summary>A known pure LINQ operator (no side effects of its own, the same result for the same inputs).</summary>
    public bool IsPureOperator(IMethodSymbol method) =>
        KnownTypes.Is((method.ReducedFrom ?? method).ContainingType?.OriginalDefinition, known.Enumerable) && PureOperators.Contains(method.Name);

    /// <summary>Static helpers that are pure functions of their (value) arguments: <c>Math</c>, <c>string</c>, primitives.</summary>
    public bool IsPureHelper(IMethodSymbol method) =>
        (method.IsStatic && KnownTypes.Is(method.ContainingType, known.Math)) ||
        method.ContainingType?.SpecialType == SpecialType.System_String ||
        (method.ContainingType is { IsValueType: true } valueType && valueType.SpecialType != SpecialType.None);

    /// <summary>True when some reference to <paramref name="symbol"/> in the block gives it a new value.</summary>
    public bool IsWrittenAnywhere(ISymbol symbol) => References.References(symbol).Any(reference => uses.Classify(reference).Kind == UseKind.Write);

    /// <summary>
    /// True for an expression made only of invariant variables, readonly fields, constants, and the calls that
    /// <paramref name="options"/> allows; LINQ lambdas may read their own parameters and immutable members.
    /// <paramref name="hasRoot"/> tells whether it reads any variable at all (not only constants).
    /// </summary>
    public bool IsInvariant(IOperation expression, InvarianceOptions options, out bool hasRoot)
    {
        hasRoot = false;
        return new Walk(this, options).IsInvariant(expression, null, 0, ref hasRoot);
    }

    /// <summary>
    /// A local, parameter or field declared outside the body that is the same for every item: not written, not
    /// mutated and not handed on in the body (or its callers), nor in a lambda or local function elsewhere; a local
    /// does not alias another variable or member; a field is readonly and no method of its type runs in the body.
    /// </summary>
    public bool IsInvariant(ISymbol symbol, IOperation reference)
    {
        var type = symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            IFieldSymbol field => field.Type,
            _ => null,
        };
        if (type is null || IsConcurrent(type) || IsLazySequence(type))
        {
            return false;
        }

        switch (symbol)
        {
            case IFieldSymbol field:
                if (!(field.IsReadOnly || field.IsConst))
                {
                    return false;
                }

                // A method of the field's type (or `this` handed out) may change what the field holds.
                if (!field.IsConst && !uses.IsValueLike(field.Type) && (Facts.PassesThis || Facts.Calls(field.ContainingType, instanceOnly: !field.IsStatic)))
                {
                    return false;
                }

                symbol = field.OriginalDefinition;
                break;
            case ILocalSymbol { IsRef: true }:
            case IParameterSymbol { RefKind: not RefKind.None }:
                return false;
            default:
                if (Body.Declares(symbol) || reference.Syntax.SyntaxTree != Body.Scope.Syntax.SyntaxTree)
                {
                    return false;
                }

                break;
        }

        var self = this;
        return References.Memo(Body.Scope, symbol, () => self.NoChangeThatMatters(symbol));
    }

    private BodyFacts Facts => facts ??= new BodyFacts(this);

    private bool NoChangeThatMatters(ISymbol symbol)
    {
        if (symbol is ILocalSymbol local && References.InitialValue(local) is { } initial && IsAlias(initial))
        {
            return false;
        }

        foreach (var reference in References.References(symbol))
        {
            if (reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference && IsAlias(assignment.Value))
            {
                return false;
            }

            if ((Body.Runs(reference.Syntax.Span) || InOtherFunction(reference)) && !uses.Classify(reference, followsCalls: true).IsRead)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAlias(IOperation value) =>
        value.WalkDownConversion() is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation;

    // A lambda or local function outside the body may run while the items do.
    private bool InOtherFunction(IOperation reference)
    {
        for (var parent = reference.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return !parent.Syntax.Span.Contains(Body.Scope.Syntax.Span);
            }
        }

        return false;
    }

    /// <summary>Collections a copy must not be taken of: other threads may change them at any time.</summary>
    public bool IsConcurrent(ITypeSymbol? type) =>
        type is not null &&
        ((type is INamedTypeSymbol named && concurrent.Contains(named.OriginalDefinition)) ||
         type.AllInterfaces.Any(implemented => concurrent.Contains(implemented.OriginalDefinition)));

    /// <summary>A sequence that may be lazy (an <c>IEnumerable&lt;T&gt;</c> variable, a query): enumerating it again may give other items.</summary>
    public bool IsLazySequence(ITypeSymbol? type)
    {
        if (type is null || type.TypeKind == TypeKind.Error)
        {
            return true;
        }

        var definition = type.OriginalDefinition;
        if (definition.SpecialType is SpecialType.System_Collections_IEnumerable or SpecialType.System_Collections_Generic_IEnumerable_T or SpecialType.System_Object ||
            KnownTypes.Is(definition, known.AsyncEnumerable) || KnownTypes.Is(definition, known.ParallelQuery))
        {
            return true;
        }

        return type.TypeKind == TypeKind.TypeParameter || KnownTypes.Is(definition, known.OrderedEnumerable) ||
               (type.TypeKind == TypeKind.Interface && known.Queryable is { } queryable &&
                (KnownTypes.Is(definition, queryable) || type.AllInterfaces.Any(i => KnownTypes.Is(i.OriginalDefinition, queryable))));
    }

    /// <summary>One expression's walk: structure first, every variable through <see cref="IsInvariant(ISymbol, IOperation)"/>.</summary>
    private readonly struct Walk
    {
        private readonly Invariance invariance;
        private readonly InvarianceOptions options;

        public Walk(Invariance invariance, InvarianceOptions options)
        {
            this.invariance = invariance;
            this.options = options;
        }

        public bool IsInvariant(IOperation operation, IAnonymousFunctionOperation? lambda, int depth, ref bool hasRoot)
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
                    if (lambda is not null && PerItemBody.DeclaredWithin(local, lambda.Syntax))
                    {
                        return true;
                    }

                    hasRoot = true;
                    return invariance.IsInvariant(local, operation);
                case IParameterReferenceOperation { Parameter: var parameter }:
                    if (lambda is not null && PerItemBody.DeclaredWithin(parameter, lambda.Syntax))
                    {
                        return true;
                    }

                    hasRoot = true;
                    return invariance.IsInvariant(parameter, operation);
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

                    return field.IsConst || invariance.IsInvariant(field, operation);
                case IPropertyReferenceOperation { Property: var property, Instance: { } instance } when lambda is not null:
                    // Element members in a lambda: read-only properties of reference types, any property of a value.
                    return (instance.Type?.IsValueType == true || property.SetMethod is null || property.SetMethod.IsInitOnly) &&
                           property.Parameters.IsEmpty &&
                           IsInvariant(instance, lambda, depth + 1, ref hasRoot);
                case IPropertyReferenceOperation { Property.Parameters.IsEmpty: true, Instance: { } instance } when options.ReadsMembers:
                    return IsInvariant(instance, lambda, depth + 1, ref hasRoot);
                case IInvocationOperation invocation:
                    if (!invariance.IsPureOperator(invocation.TargetMethod) && !options.IsPure(invocation.TargetMethod) &&
                        !(lambda is not null && invariance.IsPureHelper(invocation.TargetMethod)))
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
                case IPropertyReferenceOperation { Instance: null, Property: { SetMethod: null, Parameters.IsEmpty: true } property }:
                    // StringComparer.Ordinal, EqualityComparer<T>.Default: get-only statics of reference types
                    // (not DateTime.Now or Environment.TickCount, which differ between reads).
                    return !invariance.uses.IsValueLike(property.Type);
                case IObjectCreationOperation or IAnonymousObjectCreationOperation or IArrayCreationOperation or IArrayInitializerOperation or
                    IObjectOrCollectionInitializerOperation or IMemberInitializerOperation or IInterpolatedStringOperation or
                    IInterpolatedStringContentOperation or IBinaryOperation or IUnaryOperation or IConditionalOperation or ICoalesceOperation or
                    ITupleOperation or IArgumentOperation or IDefaultValueOperation or ITypeOfOperation or INameOfOperation or
                    IConditionalAccessOperation or IConditionalAccessInstanceOperation or { Kind: OperationKind.None } when options.AllowsCreations:
                    // Composed in place (Roslyn 4.8 has no operation for collection expressions: their elements are children).
                    foreach (var child in operation.ChildOperations)
                    {
                        var part = child is ISimpleAssignmentOperation { Parent: IObjectOrCollectionInitializerOperation or IAnonymousObjectCreationOperation } member
                            ? member.Value
                            : child;
                        if (!IsInvariant(part, lambda, depth + 1, ref hasRoot))
                        {
                            return false;
                        }
                    }

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
                    return (assignment.Target is ILocalReferenceOperation { Local: var target } && PerItemBody.DeclaredWithin(target, function.Syntax)) ||
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
    }

    /// <summary>What a per-item body does beyond its own variables, found in one walk of the body.</summary>
    private sealed class BodyFacts
    {
        private readonly HashSet<ITypeSymbol> calledTypes = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ITypeSymbol> calledInstanceTypes = new(SymbolEqualityComparer.Default);

        public BodyFacts(Invariance invariance)
        {
            var body = invariance.Body;
            foreach (var scope in new[] { body }.Concat(body.Callers))
            {
                foreach (var operation in scope.Scope.Descendants())
                {
                    Visit(operation, invariance);
                }
            }
        }

        public bool PassesThis { get; private set; }

        public bool ChangesItems { get; private set; }

        /// <summary>A method of <paramref name="type"/> runs in the body: only an instance method can reach an instance field.</summary>
        public bool Calls(ITypeSymbol type, bool instanceOnly) =>
            (instanceOnly ? calledInstanceTypes : calledTypes).Contains(type.OriginalDefinition);

        private void Visit(IOperation operation, Invariance invariance)
        {
            var uses = invariance.uses;
            var body = invariance.Body;
            switch (operation)
            {
                case IInvocationOperation { TargetMethod: { ContainingType: { } type } method }:
                    calledTypes.Add(type.OriginalDefinition);
                    if (!method.IsStatic)
                    {
                        calledInstanceTypes.Add(type.OriginalDefinition);
                    }

                    break;
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } when operation.Parent is not IMemberReferenceOperation:
                    // `this` handed out: anything may change its fields.
                    PassesThis = true;
                    break;
                case ILocalReferenceOperation { Local: var local } when !ChangesItems && body.Declares(local) && !IsFresh(local, invariance):
                    ChangesItems = !uses.IsValueLike(local.Type) && !uses.Classify(operation).IsRead;
                    break;
                case IParameterReferenceOperation { Parameter: var parameter } when !ChangesItems && body.Declares(parameter):
                    ChangesItems = !uses.IsValueLike(parameter.Type) && !uses.Classify(operation).IsRead;
                    break;
            }
        }

        /// <summary>
        /// A body local that holds an object made in the body (a creation, a copy, or what a static factory returns
        /// from value arguments and other fresh locals: <c>Process.Start(psi)</c>) cannot alias the data.
        /// </summary>
        private static bool IsFresh(ILocalSymbol local, Invariance invariance, int depth = 0)
        {
            var initial = invariance.References.InitialValue(local)?.WalkDownConversion();
            if (initial is IAwaitOperation awaited)
            {
                initial = awaited.Operation.WalkDownConversion();
            }

            return initial switch
            {
                IObjectCreationOperation or IArrayCreationOperation or IAnonymousObjectCreationOperation => true,
                IInvocationOperation { Instance: null } call when depth < 3 && !call.TargetMethod.IsExtensionMethod => call.Arguments.All(argument =>
                    invariance.uses.IsValueLike(argument.Value.Type) ||
                    argument.Value.WalkDownConversion() is IObjectCreationOperation or IArrayCreationOperation or IAnonymousObjectCreationOperation ||
                    (argument.Value.WalkDownConversion() is ILocalReferenceOperation { Local: var other } && invariance.Body.Declares(other) &&
                     IsFresh(other, invariance, depth + 1))),
                IInvocationOperation { TargetMethod.Name: "ToArray" or "ToList" or "ToHashSet" or "ToDictionary" or "Clone" } => true,
                _ => false,
            };
        }
    }
}
