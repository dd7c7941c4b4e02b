namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// The declarations of and references to the locals of one operation block that the rules follow
/// (options objects, tasks, threads), gathered in one pass so that no rule re-walks the body per construct.
/// </summary>
internal sealed class LocalUsages
{
    private readonly Dictionary<ILocalSymbol, IVariableDeclaratorOperation> declarators = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ILocalSymbol, List<ILocalReferenceOperation>> references = new(SymbolEqualityComparer.Default);

    /// <summary>Every local declaration and reference of the blocks, in one pass.</summary>
    public static LocalUsages Of(IEnumerable<IOperation> blocks)
    {
        var usages = new LocalUsages();
        foreach (var block in blocks)
        {
            foreach (var operation in block.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator:
                        usages.Add(declarator);
                        break;
                    case ILocalReferenceOperation reference:
                        usages.Add(reference);
                        break;
                }
            }
        }

        return usages;
    }

    public void Add(IVariableDeclaratorOperation declarator) => declarators[declarator.Symbol] = declarator;

    public void Add(ILocalReferenceOperation reference)
    {
        if (!references.TryGetValue(reference.Local, out var list))
        {
            references[reference.Local] = list = new List<ILocalReferenceOperation>();
        }

        list.Add(reference);
    }

    /// <summary>The value the local is initialized with in its declaration, if any.</summary>
    public IOperation? InitialValue(ILocalSymbol local) =>
        declarators.TryGetValue(local, out var declarator) ? declarator.GetVariableInitializer()?.Value : null;

    public IReadOnlyList<ILocalReferenceOperation> References(ILocalSymbol local) =>
        references.TryGetValue(local, out var list) ? list : (IReadOnlyList<ILocalReferenceOperation>)System.Array.Empty<ILocalReferenceOperation>();

    /// <summary>True when the local is written anywhere after its declaration (assigned, or passed by ref or out).</summary>
    public bool IsReassigned(ILocalSymbol local)
    {
        foreach (var reference in References(local))
        {
            switch (reference.Parent)
            {
                case IAssignmentOperation assignment when assignment.Target == reference:
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out }:
                case IDeconstructionAssignmentOperation:
                case ITupleOperation:
                    return true;
            }
        }

        return false;
    }
}
