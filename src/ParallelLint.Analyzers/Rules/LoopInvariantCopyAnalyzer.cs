using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL3002: inside a per-item body, a copy or serialization of data that no item changes (<c>ToArray</c>,
/// <c>new List&lt;T&gt;(x)</c>, <c>Clone</c>, a serializer, <c>string.Join</c>...).
/// </summary>
/// <remarks>
/// Policy over the shared model: the copy (<see cref="Copies"/>) runs in a <see cref="PerItemBody"/>, its data and
/// inputs are the same for every item (<see cref="Invariance"/>), and the copy is only read afterwards
/// (<see cref="Uses"/>): a copy the body shuffles, sorts or passes on is a resample, not waste. A copy that runs once
/// (before a <c>break</c> or <c>return</c>) is not a finding. Every doubt means "no finding".
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LoopInvariantCopyAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the name the fixer gives the hoisted local (<c>dataArray</c>, <c>settingsJson</c>).</summary>
    internal const string NameProperty = "Name";

    // The data: variables and pure LINQ only; no member reads outside lambdas (a getter may make new data).
    private static readonly InvarianceOptions DataOptions = new(_ => false, readsMembers: false, allowsCreations: false);

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
            var compilation = start.Compilation;
            var copies = Copies.Of(compilation);
            var uses = Uses.Of(compilation);
            var constructs = new ParallelConstructs(KnownTypes.Of(compilation));
            start.RegisterOperationAction(
                context =>
                {
                    if (copies.Recognize(context.Operation) is { } copy &&
                        PerItemBody.Of(context.Operation, constructs) is { } body &&
                        !copies.FeedsAnotherCopy(context.Operation) &&
                        IsFinding(copy, Invariance.For(body, compilation), uses))
                    {
                        context.Report(Diagnostic.Create(
                            Rules.LoopInvariantCopy,
                            ParallelConstruct.GetLocation(context.Operation),
                            ImmutableDictionary<string, string?>.Empty.Add(NameProperty, copy.SuggestedName()),
                            copy.Name,
                            copy.Data.Syntax.ToString()));
                    }
                },
                OperationKind.Invocation,
                OperationKind.ObjectCreation);
        });
    }

    private static bool IsFinding(Copy copy, Invariance invariance, Uses uses)
    {
        if (RunsOnce(copy.Operation, invariance.Body) || (copy.IsDeep && invariance.ChangesItems))
        {
            return false;
        }

        // The data must start from a variable (not a constant or Enumerable.Range); the other inputs may be made in place.
        if (!invariance.IsInvariant(copy.Data, DataOptions, out var hasRoot) || !hasRoot)
        {
            return false;
        }

        var inputs = new InvarianceOptions(invariance.IsPureHelper, readsMembers: false, allowsCreations: true);
        if (!copy.Inputs.All(input => invariance.IsInvariant(input, inputs, out _)))
        {
            return false;
        }

        return copy.Kind switch
        {
            CopyKind.Text => true,
            CopyKind.Bytes => IsOnlyRead(copy.Operation, invariance, uses, lenient: true),
            _ => IsOnlyRead(copy.Operation, invariance, uses, lenient: false),
        };
    }

    /// <summary>
    /// A copy followed, in its own block, by a jump out of the loop (or inside the jump itself) runs at most once:
    /// <c>if (found) { result = data.ToList(); break; }</c>. In a lambda or local function, <c>return</c> only ends the item.
    /// </summary>
    private static bool RunsOnce(IOperation copy, PerItemBody body)
    {
        var scope = body.Scope;

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

            if (current.Parent is IBlockOperation block &&
                block.Operations.SkipWhile(sibling => sibling != current).Skip(1).Any(sibling => IsExit(sibling, loop)))
            {
                return true;
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

    /// <summary>
    /// A collection copy is legitimate when the body may change it: stored in a local, every use of that local (and
    /// otherwise the copy's own use) must only read it. <paramref name="lenient"/> (bytes): handing it to a callee reads it.
    /// </summary>
    private static bool IsOnlyRead(IOperation copy, Invariance invariance, Uses uses, bool lenient)
    {
        var value = copy;
        while (value.Parent is IConversionOperation conversion)
        {
            value = conversion;
        }

        bool Reads(IOperation use) => uses.Classify(use) is var kind && (kind.IsRead || (lenient && kind.Kind == UseKind.Escape && kind.ByArgument));

        return value.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: { IsRef: false } local } }
            ? invariance.References.References(local).All(Reads)
            : Reads(copy) || IsOverwrittenDestination(value);
    }

    /// <summary>
    /// A copy handed straight to a copying call as its destination (<c>list.CopyTo(data.ToArray(), 0)</c>,
    /// <c>Array.Copy(source, data.ToArray(), n)</c>): the call only writes into it and nothing reads it after, so no
    /// item needs its own.
    /// </summary>
    private static bool IsOverwrittenDestination(IOperation copy) =>
        copy.Parent is IArgumentOperation { Parameter: { Type: IArrayTypeSymbol or { SpecialType: SpecialType.System_Array } } parameter, Parent: IInvocationOperation call } &&
        (call.TargetMethod.Name, parameter.Ordinal, call.TargetMethod.IsStatic, call.TargetMethod.ContainingType?.SpecialType) switch
        {
            ("CopyTo", 0, false, _) => true,
            ("Copy" or "ConstrainedCopy", _, true, SpecialType.System_Array) => parameter.Name == "destinationArray",
            _ => false,
        };
}
