using System.Collections.Concurrent;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// The overrides of virtual members and the implementations of interface members declared in one compilation, and
/// the one policy every rule follows a call by: <see cref="Target"/>. Filled type by type (a symbol action, or
/// <see cref="Scan"/> once for the whole compilation when a rule asks on demand).
/// </summary>
internal sealed class Implementations
{
    private readonly ConcurrentDictionary<ISymbol, ConcurrentBag<IMethodSymbol>> byMember = new(SymbolEqualityComparer.Default);

    /// <summary>Every source type of <paramref name="compilation"/> recorded: one pass over its declared types.</summary>
    public static Implementations Scan(Compilation compilation)
    {
        var found = new Implementations();
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(compilation.Assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current is INamespaceSymbol ns)
            {
                foreach (var member in ns.GetMembers())
                {
                    pending.Push(member);
                }

                continue;
            }

            var type = (INamedTypeSymbol)current;
            found.Record(type);
            foreach (var nested in type.GetTypeMembers())
            {
                pending.Push(nested);
            }
        }

        return found;
    }

    /// <summary>Records the overrides and interface implementations <paramref name="type"/> declares.</summary>
    public void Record(INamedTypeSymbol type)
    {
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            if (method.OverriddenMethod is { } overridden)
            {
                Add(overridden.OriginalDefinition, method);
            }

            foreach (var explicitly in method.ExplicitInterfaceImplementations)
            {
                Add(explicitly.OriginalDefinition, method);
            }
        }

        foreach (var member in type.AllInterfaces.SelectMany(i => i.GetMembers().OfType<IMethodSymbol>()))
        {
            if (type.FindImplementationForInterfaceMember(member) is IMethodSymbol implementation &&
                SymbolEqualityComparer.Default.Equals(implementation.ContainingType, type) &&
                implementation.ExplicitInterfaceImplementations.IsEmpty)
            {
                Add(member.OriginalDefinition, implementation);
            }
        }
    }

    /// <summary>
    /// The function a call really runs, for warning-level precision: the target itself when it cannot be
    /// overridden or nothing in the compilation overrides it; the single implementation of an abstract or
    /// interface member; nothing when several implementations could run.
    /// </summary>
    public ISymbol? Target(ISymbol callee)
    {
        if (callee is not IMethodSymbol method || !CanBeOverridden(method))
        {
            return callee;
        }

        var found = byMember.TryGetValue(method, out var bag) ? bag.Distinct<IMethodSymbol>(SymbolEqualityComparer.Default).ToList() : new List<IMethodSymbol>();
        if (method.IsAbstract || method.ContainingType?.TypeKind == TypeKind.Interface)
        {
            return found.Count == 1 ? found[0] : null;
        }

        return found.Count == 0 ? method : null;
    }

    /// <summary>
    /// The method a call to <paramref name="callee"/> runs on an object created as exactly <paramref name="type"/>:
    /// the override nearest to that type, or <paramref name="callee"/>'s implementation of an interface member.
    /// </summary>
    public static IMethodSymbol? ExactTarget(IMethodSymbol callee, ITypeSymbol type)
    {
        if (callee.ContainingType?.TypeKind == TypeKind.Interface)
        {
            return type.FindImplementationForInterfaceMember(callee) is IMethodSymbol implementation ? implementation.OriginalDefinition : null;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers(callee.Name))
            {
                for (var method = member as IMethodSymbol; method is not null; method = method.OverriddenMethod)
                {
                    if (SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, callee.OriginalDefinition))
                    {
                        return ((IMethodSymbol)member).OriginalDefinition;
                    }
                }
            }
        }

        return null;
    }

    private void Add(ISymbol member, IMethodSymbol implementation) =>
        byMember.GetOrAdd(member, _ => new ConcurrentBag<IMethodSymbol>()).Add(implementation);

    /// <summary>True when another method may run for a call to <paramref name="method"/>: only then does <see cref="Target"/> look.</summary>
    public static bool CanBeOverridden(IMethodSymbol method) =>
        (method.IsVirtual || method.IsAbstract || (method.IsOverride && !method.IsSealed) ||
         (method.ContainingType?.TypeKind == TypeKind.Interface && !method.IsStatic)) &&
        method.ContainingType is { IsSealed: false };
}
