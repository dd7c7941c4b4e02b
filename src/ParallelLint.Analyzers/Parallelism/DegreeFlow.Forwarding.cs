using System.Collections.Concurrent;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// Options forwarded from another object: a property whose getter returns the options of an object its type keeps
/// (<c>get { return ((IParallel)calculator).ParallelOptions; }</c>, Accord.NET's hidden-CRF learners).
/// </summary>
internal sealed partial class DegreeFlow
{
    private readonly ConcurrentDictionary<IPropertySymbol, IMemberReferenceOperation?> forwardedMembers = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// The member a property's getter returns from a field or auto-property of this object, as written
    /// (<c>((IParallel)calculator).ParallelOptions</c>, <c>calculator.Options</c>); null for any other getter. Only the
    /// shape: <see cref="Forwarded"/> decides whether the object and its member are known.
    /// </summary>
    private IMemberReferenceOperation? ForwardedMember(IPropertySymbol property) => forwardedMembers.GetOrAdd(property.OriginalDefinition, FindForwardedMember);

    private IMemberReferenceOperation? FindForwardedMember(IPropertySymbol property)
    {
        if (Returned(property) is not MemberAccessExpressionSyntax returned)
        {
            return null;
        }

        return compilation.GetSemanticModel(returned.SyntaxTree).GetOperation(returned) is IMemberReferenceOperation
        {
            Member: IPropertySymbol { Parameters.Length: 0 } or IFieldSymbol { IsConst: false },
            Instance: { } instance,
        } member && Receiver(instance) is { } receiver && SymbolEqualityComparer.Default.Equals(receiver.ContainingType, property.ContainingType) &&
               !receiver.IsStatic && !property.IsStatic
            ? member
            : null;
    }

    /// <summary>A field or auto-property of this instance that only its type can reach: every value it holds is one its type gives it.</summary>
    private static ISymbol? Receiver(IOperation instance) => instance.WalkDownConversion() switch
    {
        IFieldReferenceOperation { Instance: IInstanceReferenceOperation, Field: { IsConst: false } field } when IsPrivate(field) => field.OriginalDefinition,
        IPropertyReferenceOperation { Instance: IInstanceReferenceOperation, Property: { Parameters.Length: 0 } property } when IsPrivate(property) && IsAutoProperty(property) =>
            property.OriginalDefinition,
        _ => null,
    };

    /// <summary>
    /// The options holder a property forwards, when the object it reads them from is known: a private field or
    /// auto-property only ever given <c>new T(...)</c> (or null), never let out of its type, whose member, as T
    /// implements it, is a holder the flow follows (a field, an automatic property or one wrapping a field). Null
    /// otherwise: the object, or what its member returns, may be anything.
    /// </summary>
    private Forwarding? Forwarded(IPropertySymbol property, ParallelConstructs constructs)
    {
        if (ForwardedMember(property) is not { } written || Receiver(written.Instance!) is not { } receiver)
        {
            return null;
        }

        var objects = UsesOf(receiver, constructs);
        ITypeSymbol? exact = null;
        if (objects.Unfollowed)
        {
            return null;
        }

        foreach (var value in objects.Values)
        {
            switch (value.WalkDownConversion())
            {
                case IObjectCreationOperation { Type: { } type } when exact is null || SymbolEqualityComparer.Default.Equals(type, exact):
                    exact = type;
                    break;

                // Null until created, or after disposal: no options are read from it then.
                case { ConstantValue: { HasValue: true, Value: null } }:
                case IDefaultValueOperation:
                    break;
                default:
                    return null;
            }
        }

        ISymbol? target = written.Member switch
        {
            IFieldSymbol field => field,
            IPropertySymbol { GetMethod: { } getter } when exact is not null => Implementations.ExactTarget(getter, exact)?.AssociatedSymbol,
            _ => null,
        };
        if (exact is null || target?.OriginalDefinition is not { } held ||
            (held is IPropertySymbol heldProperty && !IsAutoProperty(heldProperty) && WrappedField(heldProperty) is null))
        {
            return null;
        }

        return new Forwarding(receiver, written.Member.OriginalDefinition, held);
    }

    /// <summary>The forwarding of a holder that is a property neither automatic nor wrapping a field; null for any other.</summary>
    private Forwarding? ForwardingOf(ISymbol holder, ParallelConstructs constructs) =>
        holder is IPropertySymbol property && !IsAutoProperty(property) && WrappedField(property) is null ? Forwarded(property, constructs) : null;

    /// <summary>
    /// The degree of a forwarding property: that of the holder it forwards, with <paramref name="own"/> (what its own
    /// type writes through the property or the field) among the values. Its users may set it, as they may the
    /// forwarded holder: an unbounded default stays only unbounded by default, and a mix with it is not guessed. Null
    /// when the holder's degree is a plain one, left to combine with <paramref name="own"/>.
    /// </summary>
    private Degree? ForwardedDegree(Forwarding forwarding, string knob, Degree whenUnset, ParallelConstructs constructs, List<Degree> own)
    {
        var forwarded = OptionsDegree(forwarding.Held, knob, whenUnset, constructs);
        if (forwarded is Degree.UnboundedByDefault or Degree.Unknown)
        {
            return own.Count == 0 ? forwarded : Degree.Unknown;
        }

        own.Add(forwarded);
        return null;
    }

    /// <summary>A property's forwarding: the object it reads (<see cref="Receiver"/>), the member as written, and the holder that runs.</summary>
    private sealed class Forwarding
    {
        public Forwarding(ISymbol receiver, ISymbol written, ISymbol held)
        {
            ReceiverSymbol = receiver;
            Written = written;
            Held = held;
        }

        public ISymbol ReceiverSymbol { get; }

        public ISymbol Written { get; }

        public ISymbol Held { get; }

        /// <summary>A read or write of the forwarded member on the same object, outside the property: a use of the property's options.</summary>
        public bool IsUse(IMemberReferenceOperation use) =>
            use.Instance is { } instance && SymbolEqualityComparer.Default.Equals(Receiver(instance), ReceiverSymbol) &&
            (SymbolEqualityComparer.Default.Equals(use.Member.OriginalDefinition, Written) || SymbolEqualityComparer.Default.Equals(use.Member.OriginalDefinition, Held));
    }
}
