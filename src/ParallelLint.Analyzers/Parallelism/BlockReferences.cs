using System.Runtime.CompilerServices;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// Every reference to the locals, parameters and fields of one operation block, and its local declarations, gathered
/// in one walk on first use and shared by the rules that ask what a block does with a variable (fields are keyed by
/// their original definition). Thread-safe once built; the memo serves <see cref="Invariance"/>.
/// </summary>
internal sealed class BlockReferences
{
    // Keyed by the block's root operation: the entry lives as long as the driver keeps the block's tree.
    private static readonly ConditionalWeakTable<IOperation, BlockReferences> Cache = new();

    private readonly Dictionary<ISymbol, List<IOperation>> references = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<(IOperation Scope, ISymbol Symbol), bool> memo = new();

    private BlockReferences(IOperation root)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator:
                    Locals.Add(declarator);
                    break;
                case ILocalReferenceOperation local:
                    Locals.Add(local);
                    Add(local.Local, operation);
                    break;
                case IParameterReferenceOperation parameter:
                    Add(parameter.Parameter, operation);
                    break;
                case IFieldReferenceOperation field:
                    Add(field.Field.OriginalDefinition, operation);
                    break;
            }
        }
    }

    /// <summary>The references of the block <paramref name="operation"/> belongs to.</summary>
    public static BlockReferences For(IOperation operation) => Cache.GetValue(operation.Root(), root => new BlockReferences(root));

    /// <summary>The block's local declarations and local references, for the models that take <see cref="LocalUsages"/>.</summary>
    public LocalUsages Locals { get; } = new();

    public IReadOnlyList<IOperation> References(ISymbol symbol) =>
        references.TryGetValue(symbol is IFieldSymbol field ? field.OriginalDefinition : symbol, out var list)
            ? list
            : (IReadOnlyList<IOperation>)Array.Empty<IOperation>();

    public IOperation? InitialValue(ILocalSymbol local) => Locals.InitialValue(local);

    /// <summary>Memoized per scope and symbol (the operation actions of one block may run on several threads).</summary>
    public bool Memo(IOperation scope, ISymbol symbol, Func<bool> compute)
    {
        lock (memo)
        {
            if (memo.TryGetValue((scope, symbol), out var known))
            {
                return known;
            }
        }

        var result = compute();
        lock (memo)
        {
            memo[(scope, symbol)] = result;
        }

        return result;
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
