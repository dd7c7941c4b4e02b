using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL3003: a child process started per item whose command line, environment or standard input carries a
/// serialization of data that does not change between items: the parent pushes the whole data set to every child.
/// </summary>
/// <remarks>
/// Policy over the shared model: a process start (<see cref="ProcessStart"/>) in a <see cref="PerItemBody"/>, a
/// value of one of its <see cref="ProcessChannels"/> that is serialized data (a <see cref="Serializers"/> call,
/// <c>string.Join</c>/<c>Concat</c> over a data collection, Base64, a whole file's content), inline and
/// <see cref="Invariance">invariant</see>, or through a local declared before the body and never reassigned. Option
/// literals, paths and anything that depends on the item, or that the body may change, are not findings.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SameDataToEveryProcessAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the channel (<see cref="CommandLine"/>, <see cref="Environment"/>, <see cref="StandardInput"/>).</summary>
    internal const string ChannelProperty = "Channel";

    /// <summary>Diagnostic property: how the data is written, <see cref="HoistedLocal"/> or <see cref="Inline"/>.</summary>
    internal const string DataProperty = "Data";

    /// <summary>Diagnostic property: the file extension that suits the data (<c>json</c>, <c>xml</c>, <c>txt</c>, <c>bin</c>).</summary>
    internal const string ExtensionProperty = "Extension";

    /// <summary>Diagnostic property: what the fix appends to the flag that carried the data (<c>parallellint.path_flag_suffix</c>).</summary>
    internal const string PathFlagSuffixProperty = "PathFlagSuffix";

    internal const string CommandLine = ProcessChannels.CommandLine;
    internal const string Environment = ProcessChannels.Environment;
    internal const string StandardInput = ProcessChannels.StandardInput;
    internal const string HoistedLocal = "Local";
    internal const string Inline = "Inline";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Rules.SameDataToEveryProcess);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Of(start.Compilation);
            if (types.Process is null)
            {
                return;
            }

            var compilation = start.Compilation;
            var constructs = new ParallelConstructs(types);

            // The diagnostics are reported with the block: the start info is often set up lines before the start. A
            // start calls a method named Start: a block whose text never says so is passed over before any walk.
            start.RegisterOperationBlockAction(block =>
            {
                if (!BlockText.MaySay(block.OperationBlocks, "Start"))
                {
                    return;
                }

                var reported = new HashSet<TextSpan>();
                foreach (var invocation in Starts(block.OperationBlocks, types))
                {
                    var locals = BlockReferences.For(invocation).Locals;
                    if (ProcessStart.Recognize(invocation, types, locals) is { } process && PerItemBody.Of(invocation, constructs) is { } body)
                    {
                        var search = new Search(Invariance.For(body, compilation), new SerializedData(compilation));
                        string? suffix = null;
                        foreach (var (channel, value) in ProcessChannels.Of(process, body.Scope, locals, types))
                        {
                            // One diagnostic per channel value (two starts may share a start info): its first invariant part.
                            if (search.Parts(value, 0).Select(part => (Part: part, Finding: search.Finding(part))).FirstOrDefault(p => p.Finding is not null) is
                                    { Finding: var (data, extension) } found && reported.Add(found.Part.Syntax.Span))
                            {
                                block.Report(Diagnostic.Create(
                                    Rules.SameDataToEveryProcess,
                                    found.Part.Syntax.GetLocation(),
                                    new[] { body.Owner.Syntax.GetLocation() },
                                    ImmutableDictionary<string, string?>.Empty
                                        .Add(ChannelProperty, channel)
                                        .Add(DataProperty, data)
                                        .Add(ExtensionProperty, extension)
                                        .Add(PathFlagSuffixProperty, suffix ??= RuleOptions.PathFlagSuffix(block.Options, invocation.Syntax.SyntaxTree)),
                                    channel,
                                    string.Join(" ", found.Part.Syntax.ToString().Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries))));
                            }
                        }
                    }
                }
            });
        });
    }

    /// <summary>The process starts of a block, in text order. Like the driver's operation actions, not on <c>#line hidden</c> lines.</summary>
    private static IEnumerable<IInvocationOperation> Starts(ImmutableArray<IOperation> blocks, KnownTypes types) =>
        blocks.SelectMany(block => block.DescendantsAndSelf()).OfType<IInvocationOperation>()
            .Where(invocation => ProcessStart.Recognize(invocation, types, null) is not null &&
                                 !GeneratedCode.IsHidden(invocation.Syntax.SyntaxTree, invocation.Syntax.SpanStart))
            .OrderBy(invocation => invocation.Syntax.SpanStart)
            .ToList();

    /// <summary>The values of one per-item body that carry serialized data the same for every item.</summary>
    private sealed class Search
    {
        private readonly Invariance invariance;
        private readonly SerializedData sources;
        private readonly InvarianceOptions options;

        public Search(Invariance invariance, SerializedData sources)
        {
            this.invariance = invariance;
            this.sources = sources;

            // Members of invariant data, values composed in place; calls only to LINQ, ToString and the serializers.
            options = new InvarianceOptions(sources.IsPure, readsMembers: true, allowsCreations: true);
        }

        /// <summary>
        /// The parts a value is made of: the holes of an interpolated string, the operands of a string
        /// concatenation, and (a few levels deep) the value of a body local that composes them.
        /// </summary>
        public IEnumerable<IOperation> Parts(IOperation value, int depth)
        {
            value = value.WalkDownConversion();
            return value switch
            {
                IInterpolatedStringOperation interpolated => interpolated.Parts.OfType<IInterpolationOperation>().SelectMany(hole => Parts(hole.Expression, depth)),
                IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String } concatenation =>
                    Parts(concatenation.LeftOperand, depth).Concat(Parts(concatenation.RightOperand, depth)),
                ILocalReferenceOperation { Local: var local } when depth < 3 && invariance.Body.Declares(local) && !invariance.IsWrittenAnywhere(local) &&
                                                                 invariance.References.InitialValue(local) is { } initial => Parts(initial, depth + 1),
                _ => new[] { value },
            };
        }

        /// <summary>Loop-invariant serialized data (<see cref="HoistedLocal"/> or <see cref="Inline"/>) and its file extension.</summary>
        public (string Data, string Extension)? Finding(IOperation part)
        {
            switch (part)
            {
                case ILocalReferenceOperation { Local: var local } when !invariance.Body.Declares(local) && !invariance.IsWrittenAnywhere(local) &&
                                                                      (Uses.Of(sources.Compilation).IsImmutable(local.Type) || invariance.IsInvariant(local, part)) &&
                                                                      invariance.References.InitialValue(local)?.WalkDownConversion() is IInvocationOperation call &&
                                                                      sources.Match(call, invariance.References.Locals) is { } match:
                    // Computed once before the body and never changed: the same value for every item.
                    return (HoistedLocal, match.Extension);

                // A file read in the body is not counted: the body, or the child before, may rewrite it per item. Data
                // read member by member (a serialization, a projection) must not be changed through the item either.
                case IInvocationOperation call when sources.Match(call, invariance.References.Locals) is { } match && !sources.ReadsFile(call) &&
                                                    sources.Inputs(call).All(input => invariance.IsInvariant(input, options, out _)) &&
                                                    !invariance.ChangesItems:
                    return (Inline, match.Extension);
                default:
                    return null;
            }
        }
    }
}
