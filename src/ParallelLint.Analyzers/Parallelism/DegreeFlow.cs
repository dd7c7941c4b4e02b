using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// Degrees that travel: options objects and degree values kept in fields and properties (automatic, or wrapping a
/// field), followed to every value the containing type gives them, and the same options object handed to two nested
/// levels. One instance per compilation; each holder's uses are gathered once, on first demand, from the syntax of its outermost containing
/// type (so nested types' uses count), and cached.
/// </summary>
/// <remarks>
/// What is followed, and why it is safe for warning-level rules:
/// <list type="bullet">
/// <item>An options holder (a field or auto-property of a reference type) that only its type can reach (private)
/// has exactly the values its type gives it: its degree is theirs, unless the type lets the object escape (returns
/// it, passes it anywhere but a construct's options, copies it) or writes it in a way not followed.</item>
/// <item>An options holder its users can reach (a public settable property, Accord.NET style) has, by default, the
/// values its type gives it; its users may replace or bound it. Unbounded values give
/// <see cref="Degree.UnboundedByDefault"/>, which only the nesting rules read; anything else is unknown.</item>
/// <item>A property that forwards the options of an object its type keeps (a private field only ever given
/// <c>new T(...)</c>, never let out) holds what T's member holds and what its type writes there; its users may set it,
/// so it is at most <see cref="Degree.UnboundedByDefault"/> (DegreeFlow.Forwarding.cs).</item>
/// <item>A degree kept in a <c>readonly</c> integer field is followed to its value (constants are already
/// constant).</item>
/// </list>
/// </remarks>
internal sealed partial class DegreeFlow
{
    private static readonly ConditionalWeakTable<Compilation, DegreeFlow> Cache = new();

    // Degrees kept in a field that is initialized from another field: followed this deep, then a computed value.
    private const int MaxDepth = 4;

    private readonly Compilation compilation;
    private readonly ConcurrentDictionary<ISymbol, Uses> uses = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IPropertySymbol, IFieldSymbol?> wrappedFields = new(SymbolEqualityComparer.Default);

    private DegreeFlow(Compilation compilation) => this.compilation = compilation;

    /// <summary>The flow of <paramref name="compilation"/>, shared by every rule.</summary>
    public static DegreeFlow Of(Compilation compilation) => Cache.GetValue(compilation, c => new DegreeFlow(c));

    /// <summary>
    /// The field or property an options object or degree is read from, if any: a property either automatic or one
    /// that only wraps a field (<see cref="WrappedField"/>).
    /// </summary>
    public ISymbol? Holder(IOperation? operation) => operation?.WalkDownConversion() switch
    {
        IFieldReferenceOperation { Field: { IsConst: false } field } => field.OriginalDefinition,
        IPropertyReferenceOperation { Property: { Parameters.Length: 0 } property } when IsAutoProperty(property) || WrappedField(property) is not null ||
                                                                                      ForwardedMember(property) is not null =>
            property.OriginalDefinition,
        _ => null,
    };

    /// <summary>
    /// The field a property only wraps: its getter returns the field as it is and its setter, if any, only assigns it
    /// (<c>get { return options; } set { options = value; }</c>). Such a property holds the field's values, and what
    /// its setter is given: the property's own assignments.
    /// </summary>
    private IFieldSymbol? WrappedField(IPropertySymbol property) => wrappedFields.GetOrAdd(property.OriginalDefinition, FindWrappedField);

    private IFieldSymbol? FindWrappedField(IPropertySymbol property)
    {
        if (ReturnedField(property) is not { } field)
        {
            return null;
        }

        if (property.SetMethod is null)
        {
            return field;
        }

        if (property.SetMethod.DeclaringSyntaxReferences is not { Length: 1 } references)
        {
            return null;
        }

        var assigned = references[0].GetSyntax() switch
        {
            AccessorDeclarationSyntax { ExpressionBody.Expression: var expression } => expression,
            AccessorDeclarationSyntax { Body.Statements: { Count: 1 } statements } when statements[0] is ExpressionStatementSyntax { Expression: var expression } => expression,
            _ => null,
        };
        return assigned is AssignmentExpressionSyntax { RawKind: (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.SimpleAssignmentExpression, Left: var left, Right: IdentifierNameSyntax { Identifier.ValueText: "value" } } &&
               compilation.GetSemanticModel(left.SyntaxTree).GetSymbolInfo(left).Symbol?.OriginalDefinition is IFieldSymbol target &&
               SymbolEqualityComparer.Default.Equals(target, field)
            ? field
            : null;
    }

    /// <summary>
    /// The variable both <paramref name="outer"/>'s and <paramref name="inner"/>'s options are read from, when reading
    /// it on both levels gives the same object: a local, a parameter, or a field or property of <c>this</c> (or a
    /// static one; a property that is automatic or whose getter returns a field), not written anywhere inside
    /// <paramref name="outerBody"/>. Null otherwise.
    /// </summary>
    public ISymbol? SharedOptions(ParallelConstruct outer, ParallelConstruct inner, IOperation outerBody)
    {
        if (Variable(outer.DegreeSource) is not { } holder || Variable(inner.DegreeSource) is not { } other ||
            !SymbolEqualityComparer.Default.Equals(holder, other))
        {
            return null;
        }

        var backing = holder is IPropertySymbol property && !IsAutoProperty(property) ? ReturnedField(property) : null;
        if (holder is IPropertySymbol && !IsAutoProperty((IPropertySymbol)holder) && backing is null)
        {
            // A computed getter may hand out a new object on every read.
            return null;
        }

        return IsWrittenWithin(holder, outerBody) || (backing is not null && IsWrittenWithin(backing, outerBody)) ? null : holder;
    }

    /// <summary>The field a property's getter returns as it is (<c>get { return options; }</c>, <c>=> options</c>); null otherwise.</summary>
    private IFieldSymbol? ReturnedField(IPropertySymbol property)
    {
        var returned = Returned(property);
        if (returned is not (IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }))
        {
            return null;
        }

        var model = compilation.GetSemanticModel(returned.SyntaxTree);
        return model.GetSymbolInfo(returned).Symbol is IFieldSymbol { IsConst: false } field &&
               SymbolEqualityComparer.Default.Equals(field.ContainingType, property.ContainingType) &&
               field.IsStatic == property.IsStatic
            ? field.OriginalDefinition
            : null;
    }

    /// <summary>The one expression a property's getter returns (<c>get { return e; }</c>, <c>=> e</c>); null otherwise.</summary>
    private static ExpressionSyntax? Returned(IPropertySymbol property) =>
        property.GetMethod is not { DeclaringSyntaxReferences: { Length: 1 } references } ? null : references[0].GetSyntax() switch
        {
            AccessorDeclarationSyntax { ExpressionBody.Expression: var expression } => expression,
            AccessorDeclarationSyntax { Body.Statements: { Count: 1 } statements } when statements[0] is ReturnStatementSyntax { Expression: { } expression } => expression,
            ArrowExpressionClauseSyntax { Expression: var expression } => expression,
            _ => null,
        };

    /// <summary>
    /// What a field or auto-property of options sets <paramref name="knob"/> to, as a degree (see the remarks).
    /// </summary>
    public Degree OptionsDegree(ISymbol holder, string knob, Degree whenUnset, ParallelConstructs constructs)
    {
        var forwarding = ForwardingOf(holder, constructs);
        if (holder is IPropertySymbol property && !IsAutoProperty(property) && WrappedField(property) is null && forwarding is null)
        {
            return Degree.Unknown;
        }

        var found = UsesOf(holder, constructs);
        if (found.Unfollowed || (found.Values.Count == 0 && forwarding is null))
        {
            return Degree.Unknown;
        }

        var values = new List<Degree>();
        foreach (var value in found.Values)
        {
            switch (value.WalkDownConversion())
            {
                case IObjectCreationOperation creation:
                    values.Add(constructs.InitializedDegree(creation, knob) ?? whenUnset);
                    break;

                // A null (or default) holder makes the construct throw: no degree to count.
                case { ConstantValue: { HasValue: true, Value: null } }:
                case IDefaultValueOperation:
                    break;
                default:
                    return Degree.Unknown;
            }
        }

        foreach (var (member, value) in found.MemberSets)
        {
            if (member == knob)
            {
                values.Add(constructs.ValueDegree(value));
            }
        }

        if (forwarding is not null && ForwardedDegree(forwarding, knob, whenUnset, constructs, values) is { } forwarded)
        {
            return forwarded;
        }

        var degree = Combine(values);
        if (!IsPrivate(holder))
        {
            // Its users may replace the object or bound it: only an unbounded default is worth knowing.
            return degree is Degree.Unbounded or Degree.AllCores ? Degree.UnboundedByDefault : Degree.Unknown;
        }

        return degree;
    }

    /// <summary>
    /// The one value a <c>readonly</c> integer field is ever given (its initializer, or the one assignment in its
    /// type's constructors); null when it has several, is written otherwise, or is not in source. A field that is not
    /// <c>readonly</c> is a setting the program may change: not followed.
    /// </summary>
    public IOperation? SingleValue(IFieldSymbol field, ParallelConstructs constructs)
    {
        if (field.IsConst || field.Type.SpecialType != SpecialType.System_Int32 || !field.IsReadOnly)
        {
            return null;
        }

        var found = UsesOf(field.OriginalDefinition, constructs);
        return !found.Unfollowed && found.Values.Count == 1 ? found.Values[0].WalkDownConversion() : null;
    }

    /// <summary><see cref="SingleValue"/>'s degree, followed through fields initialized from fields.</summary>
    public Degree? FieldDegree(IFieldSymbol field, ParallelConstructs constructs, int depth)
    {
        if (depth >= MaxDepth || SingleValue(field, constructs) is not { } value)
        {
            return null;
        }

        return constructs.ValueDegree(value, depth + 1);
    }

    /// <summary>Values that agree are that value; a mix of parallel values is some bound; a mix with one, unknown.</summary>
    private static Degree Combine(List<Degree> values)
    {
        if (values.Count == 0)
        {
            return Degree.Unknown;
        }

        var degree = values[0];
        foreach (var value in values)
        {
            if (value != degree)
            {
                return values.Contains(Degree.One) || values.Contains(Degree.Unknown) ? Degree.Unknown : Degree.Bounded;
            }
        }

        return degree;
    }

    private static bool IsPrivate(ISymbol holder) => holder.DeclaredAccessibility == Accessibility.Private;

    private static bool IsAutoProperty(IPropertySymbol property) =>
        property.ContainingType?.GetMembers().Any(member => member is IFieldSymbol { AssociatedSymbol: { } associated } &&
                                                            SymbolEqualityComparer.Default.Equals(associated, property)) == true;

    /// <summary>A variable whose two reads give the same object: a local, a by-value parameter, a field or auto-property of this instance or static.</summary>
    private static ISymbol? Variable(IOperation? source) => source?.WalkDownConversion() switch
    {
        ILocalReferenceOperation { Local: { IsRef: false } local } => local,
        IParameterReferenceOperation { Parameter: { RefKind: RefKind.None } parameter } => parameter,
        IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation, Field: { IsConst: false } field } => field.OriginalDefinition,
        IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Property: { Parameters.Length: 0 } property } => property.OriginalDefinition,
        _ => null,
    };

    private static bool Refers(IOperation? operation, ISymbol holder) => operation?.WalkDownConversion() switch
    {
        ILocalReferenceOperation { Local: var local } => SymbolEqualityComparer.Default.Equals(local, holder),
        IParameterReferenceOperation { Parameter: var parameter } => SymbolEqualityComparer.Default.Equals(parameter, holder),
        IMemberReferenceOperation { Member: var member } => SymbolEqualityComparer.Default.Equals(member.OriginalDefinition, holder),
        _ => false,
    };

    /// <summary>True when <paramref name="body"/> assigns the variable, passes it by reference, or sets a knob on it.</summary>
    private static bool IsWrittenWithin(ISymbol holder, IOperation body)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IAssignmentOperation assignment when Refers(assignment.Target, holder) ||
                                                          (assignment.Target is IMemberReferenceOperation { Instance: var instance } && Refers(instance, holder)):
                case IDeconstructionAssignmentOperation deconstruction when deconstruction.Target.DescendantsAndSelf().Any(target => Refers(target, holder)):
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when Refers(argument.Value, holder):
                    return true;
            }
        }

        return false;
    }

    private Uses UsesOf(ISymbol holder, ParallelConstructs constructs) => uses.GetOrAdd(holder, h => Gather(h, constructs));

    /// <summary>Every value the holder's type gives it, and whether any use is one the flow does not follow.</summary>
    private Uses Gather(ISymbol holder, ParallelConstructs constructs)
    {
        var found = new Uses();
        var outermost = holder.ContainingType;
        while (outermost?.ContainingType is { } containing)
        {
            outermost = containing;
        }

        if (outermost is null || outermost.DeclaringSyntaxReferences.IsEmpty)
        {
            found.Unfollowed = true;
            return found;
        }

        var isValue = holder switch
        {
            IFieldSymbol field => field.Type.IsValueType,
            IPropertySymbol property => property.Type.IsValueType,
            _ => false,
        };
        // A property that wraps a field holds what the field is given outside the property's own accessors.
        var wrapped = holder is IPropertySymbol wrapper && !IsAutoProperty(wrapper) ? WrappedField(wrapper) : null;
        var accessors = holder is IPropertySymbol accessorsOf
            ? new[] { accessorsOf.GetMethod, accessorsOf.SetMethod }.Where(a => a is not null).SelectMany(a => a!.DeclaringSyntaxReferences).Select(r => r.GetSyntax()).ToList()
            : new List<SyntaxNode>();
        // A property that forwards another object's options holds what its type writes there through the field too.
        var forwarding = ForwardingOf(holder, constructs);
        bool IsHeld(ISymbol? symbol) => SymbolEqualityComparer.Default.Equals(symbol, holder) || (wrapped is not null && SymbolEqualityComparer.Default.Equals(symbol, wrapped));
        bool IsHeldUse(IMemberReferenceOperation use) => IsHeld(use.Member.OriginalDefinition) || (forwarding is not null && forwarding.IsUse(use));
        bool IsHeldName(string name) => name == holder.Name || name == wrapped?.Name || name == forwarding?.Written.Name;
        var models = new Dictionary<SyntaxTree, SemanticModel>();
        foreach (var reference in outermost.DeclaringSyntaxReferences)
        {
            var root = reference.GetSyntax();
            if (!models.TryGetValue(root.SyntaxTree, out var model))
            {
                models[root.SyntaxTree] = model = compilation.GetSemanticModel(root.SyntaxTree);
            }

            foreach (var node in root.DescendantNodes())
            {
                switch (node)
                {
                    case VariableDeclaratorSyntax { Initializer.Value: var value } declarator when IsHeldName(declarator.Identifier.ValueText) &&
                                                                                                IsHeld(model.GetDeclaredSymbol(declarator)):
                        AddValue(model.GetOperation(value), found);
                        break;
                    case PropertyDeclarationSyntax { Initializer.Value: var value } property when property.Identifier.ValueText == holder.Name &&
                                                                                               SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(property), holder):
                        AddValue(model.GetOperation(value), found);
                        break;
                    case IdentifierNameSyntax name when IsHeldName(name.Identifier.ValueText) && !accessors.Any(accessor => accessor.Span.Contains(name.Span) && accessor.SyntaxTree == name.SyntaxTree):
                        SyntaxNode expression = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access
                            : name.Parent is MemberBindingExpressionSyntax binding ? binding
                            : name;
                        switch (model.GetOperation(expression))
                        {
                            case IMemberReferenceOperation use when IsHeldUse(use):
                                Classify(use, isValue, found, constructs);
                                break;

                            // A use the operation tree cannot show (half-typed code): not followed.
                            case null when IsHeld(model.GetSymbolInfo(expression).Symbol?.OriginalDefinition):
                                found.Unfollowed = true;
                                break;
                        }

                        break;
                }
            }
        }

        return found;
    }

    private static void AddValue(IOperation? value, Uses found)
    {
        if (value is null)
        {
            found.Unfollowed = true;
        }
        else
        {
            found.Values.Add(value);
        }
    }

    /// <summary>Records what one use of the holder does to it; a use not followed makes its degree unknown.</summary>
    private static void Classify(IOperation use, bool isValue, Uses found, ParallelConstructs constructs)
    {
        IOperation value = use;
        while (value.Parent is IConversionOperation conversion)
        {
            value = conversion;
        }

        switch (value.Parent)
        {
            case ISimpleAssignmentOperation assignment when assignment.Target == use:
            case ICoalesceAssignmentOperation coalesce when coalesce.Target == use:
                AddValue(((IAssignmentOperation)value.Parent).Value, found);
                return;
            case IAssignmentOperation assignment when assignment.Target == use:
            case IIncrementOrDecrementOperation:
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out }:
            case IDeconstructionAssignmentOperation:
            case ITupleOperation:
                found.Unfollowed = true;
                return;
            case IArgumentOperation { Parameter.RefKind: RefKind.In }:
                return;
        }

        // A value type is copied when read; an options object read is safe only where nothing can change it.
        if (isValue)
        {
            return;
        }

        switch (value.Parent)
        {
            case IMemberReferenceOperation member when member.Instance == value:
                if (member.Parent is ISimpleAssignmentOperation set && set.Target == member)
                {
                    found.MemberSets.Add((member.Member.Name, set.Value));
                }

                return;
            case IInvocationOperation invocation when invocation.Instance == value:
            case IBinaryOperation:
            case IIsPatternOperation:
            case INameOfOperation:
            case IConditionalAccessOperation access when access.Operation == value:
                return;
            case IArgumentOperation { Parent: { } call } when constructs.Recognize(call) is { DegreeSource: { } source } && source.WalkDownConversion() == use:
                return;
            default:
                found.Unfollowed = true;
                return;
        }
    }

    private sealed class Uses
    {
        public List<IOperation> Values { get; } = new();

        public List<(string Member, IOperation Value)> MemberSets { get; } = new();

        public bool Unfollowed { get; set; }
    }
}
