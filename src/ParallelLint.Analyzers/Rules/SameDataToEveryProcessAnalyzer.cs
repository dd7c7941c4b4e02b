using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL3003: a child process started per item whose command line, environment or standard input carries a
/// serialization of data that does not change between items: the parent pushes the whole data set to every child.
/// </summary>
/// <remarks>
/// An operation action on calls that returns at once unless the call starts a process; the block's locals and
/// references are gathered only for blocks that start one, and reported at the block's end. Only what the starting body shows is followed: a start
/// in a local function or another method called from a loop is not per item here (no interprocedural analysis).
/// Serialized data is a serializer call over data (JSON, <c>string.Join</c>/<c>Concat</c> over a collection, Base64,
/// a whole file's content), inline or through a local declared before the body and never reassigned; option
/// literals, paths and anything that depends on the item are not findings.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SameDataToEveryProcessAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the channel (<see cref="CommandLine"/>, <see cref="Environment"/>, <see cref="StandardInput"/>).</summary>
    internal const string ChannelProperty = "Channel";

    /// <summary>Diagnostic property: how the data is written, <see cref="HoistedLocal"/> or <see cref="Inline"/>.</summary>
    internal const string DataProperty = "Data";

    /// <summary>Diagnostic property: the file extension that suits the data (<c>json</c>, <c>txt</c>, <c>bin</c>).</summary>
    internal const string ExtensionProperty = "Extension";

    /// <summary>Diagnostic property: what the fix appends to the flag that carried the data (<c>parallellint.path_flag_suffix</c>).</summary>
    internal const string PathFlagSuffixProperty = "PathFlagSuffix";

    internal const string CommandLine = "command line";
    internal const string Environment = "environment";
    internal const string StandardInput = "standard input";
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

            var constructs = new ParallelConstructs(types);
            var compilation = start.Compilation;

            // The serializers' types are looked up only once a compilation starts a process per item.
            var serializers = new Lazy<Serializers>(() => new Serializers(compilation));

            // Process starts are found per operation block; the block's locals and references are gathered only
            // for the blocks that start a process, and the diagnostics are reported with the block (they may lie
            // anywhere in it: the start info is often set up lines before the start). A start calls a method named
            // Start: a block whose text never says so is passed over before any walk.
            start.RegisterOperationBlockAction(block =>
            {
                if (!BlockText.MaySay(block.OperationBlocks, "Start") || Starts(block.OperationBlocks, types) is not { } starts)
                {
                    return;
                }

                var facts = new BlockFacts(block.OperationBlocks);
                foreach (var invocation in starts.OrderBy(s => s.Syntax.SpanStart))
                {
                    if (ProcessStart.Recognize(invocation, types, facts.Locals) is { } process &&
                        process.PerItem(constructs, facts.Locals) is { } perItem)
                    {
                        new Search(process, perItem.Body, perItem.Owner, facts, serializers.Value, types).Report(block.Options, diagnostic => block.Report(diagnostic));
                    }
                }
            });
        });
    }

    /// <summary>
    /// The process starts of a block, or null. Like the driver's operation actions, calls on <c>#line hidden</c>
    /// lines are not looked at.
    /// </summary>
    private static List<IInvocationOperation>? Starts(ImmutableArray<IOperation> blocks, KnownTypes types)
    {
        List<IInvocationOperation>? starts = null;
        foreach (var block in blocks)
        {
            foreach (var operation in block.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation invocation && ProcessStart.Recognize(invocation, types, null) is not null &&
                    !GeneratedCode.IsHidden(invocation.Syntax.SyntaxTree, invocation.Syntax.SpanStart))
                {
                    (starts ??= new List<IInvocationOperation>()).Add(invocation);
                }
            }
        }

        return starts;
    }

    /// <summary>
    /// One block's locals and every reference to a local, parameter or field, gathered in one walk for the blocks
    /// that start a process, and the values already reported (two starts may share one start info).
    /// </summary>
    private sealed class BlockFacts
    {
        private readonly Dictionary<ISymbol, List<IOperation>> references = new(SymbolEqualityComparer.Default);

        public BlockFacts(ImmutableArray<IOperation> blocks)
        {
            foreach (var operation in blocks.SelectMany(block => block.DescendantsAndSelf()))
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator:
                        Locals.Add(declarator);
                        break;
                    case ILocalReferenceOperation local:
                        Locals.Add(local);
                        Add(local.Local, local);
                        break;
                    case IParameterReferenceOperation parameter:
                        Add(parameter.Parameter, parameter);
                        break;
                    case IFieldReferenceOperation field:
                        Add(field.Field, field);
                        break;
                }
            }
        }

        public LocalUsages Locals { get; } = new();

        public HashSet<TextSpan> Reported { get; } = new();

        public IReadOnlyList<IOperation> References(ISymbol symbol) =>
            references.TryGetValue(symbol, out var list) ? list : (IReadOnlyList<IOperation>)Array.Empty<IOperation>();

        private void Add(ISymbol symbol, IOperation reference)
        {
            if (!references.TryGetValue(symbol, out var list))
            {
                references[symbol] = list = new List<IOperation>();
            }

            list.Add(reference);
        }
    }

    /// <summary>What a data value is: which file extension suits it, and which arguments carry the data.</summary>
    private enum Format
    {
        Json,
        Text,
        Bytes,
    }

    /// <summary>The serializers the rule knows, resolved once per compilation.</summary>
    private sealed class Serializers
    {
        private readonly INamedTypeSymbol? systemTextJson;
        private readonly INamedTypeSymbol? newtonsoft;
        private readonly INamedTypeSymbol? convert;
        private readonly INamedTypeSymbol? file;

        public Serializers(Compilation compilation)
        {
            var types = KnownTypes.Of(compilation);
            systemTextJson = types.Optional("System.Text.Json", "System.Text.Json.JsonSerializer");
            newtonsoft = types.Optional("Newtonsoft.Json", "Newtonsoft.Json.JsonConvert");
            convert = types.Convert;
            file = types.File;
        }

        /// <summary>The call's format when it serializes data (not only constants), with the arguments that carry the data.</summary>
        public (Format Format, ImmutableArray<IArgumentOperation> Data)? Match(IInvocationOperation call, LocalUsages locals)
        {
            var method = call.TargetMethod;
            var type = method.ContainingType;
            if (type is null)
            {
                return null;
            }

            if (KnownTypes.Is(type, systemTextJson) && method.Name is "Serialize" or "SerializeToUtf8Bytes" && ReturnsData(method))
            {
                return WithData(Format.Json, call, a => a.Parameter?.Name == "value");
            }

            if (KnownTypes.Is(type, newtonsoft) && method.Name == "SerializeObject")
            {
                return WithData(Format.Json, call, a => a.Parameter?.Name == "value");
            }

            if (type.SpecialType == SpecialType.System_String && method.Name is "Join" or "Concat")
            {
                return WithData(Format.Text, call, a => a.ArgumentKind == ArgumentKind.Explicit && IsDataCollection(a.Value, locals));
            }

            if (KnownTypes.Is(type, convert) && method.Name == "ToBase64String")
            {
                return WithData(Format.Text, call, a => a.Parameter?.Ordinal == 0);
            }

            // A whole file's content: the path may well be a constant, the data is what the file holds.
            if (KnownTypes.Is(type, file) && method.Name is "ReadAllText" or "ReadAllBytes")
            {
                return (method.Name == "ReadAllText" ? Format.Text : Format.Bytes, call.Arguments);
            }

            return null;
        }

        public bool ReadsFile(IInvocationOperation call) => KnownTypes.Is(call.TargetMethod.ContainingType, file);

        public bool IsSerializer(IInvocationOperation call) =>
            call.TargetMethod.ContainingType is { } type &&
            (KnownTypes.Is(type, systemTextJson) || KnownTypes.Is(type, newtonsoft) || KnownTypes.Is(type, convert) || KnownTypes.Is(type, file) ||
             (type.SpecialType == SpecialType.System_String && call.TargetMethod.Name is "Join" or "Concat"));

        private static bool ReturnsData(IMethodSymbol method) =>
            method.ReturnType.SpecialType == SpecialType.System_String ||
            method.ReturnType is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte };

        private static (Format, ImmutableArray<IArgumentOperation>)? WithData(Format format, IInvocationOperation call, Func<IArgumentOperation, bool> isData)
        {
            var data = call.Arguments.Where(isData).ToImmutableArray();

            // Serializing only constants is an option string, not data.
            return data.Any(argument => !argument.Value.ConstantValue.HasValue && argument.Value.WalkDownConversion() is not ILiteralOperation)
                ? (format, data)
                : null;
        }

        /// <summary>
        /// A collection that holds data: elements other than strings, or strings computed by a call (lines of a file,
        /// a projection). A list of strings written in the code, or handed in from elsewhere, is more likely a set of
        /// command-line options than data: not counted.
        /// </summary>
        private bool IsDataCollection(IOperation value, LocalUsages locals)
        {
            value = value.WalkDownConversion();
            var element = value.Type switch
            {
                IArrayTypeSymbol array => array.ElementType,
                INamedTypeSymbol named when named.SpecialType != SpecialType.System_String => EnumeratedType(named),
                _ => null,
            };
            if (element is null)
            {
                return false;
            }

            if (element.SpecialType != SpecialType.System_String)
            {
                return true;
            }

            if (value is ILocalReferenceOperation { Local: var local } && !locals.IsReassigned(local) && locals.InitialValue(local) is { } initial)
            {
                value = initial.WalkDownConversion();
            }

            return value is IInvocationOperation;
        }

        private ITypeSymbol? EnumeratedType(INamedTypeSymbol type)
        {
            foreach (var candidate in type.AllInterfaces.Add(type))
            {
                if (candidate.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T && candidate.TypeArguments.Length == 1)
                {
                    return candidate.TypeArguments[0];
                }
            }

            return null;
        }
    }

    /// <summary>The channels of one process start, and the loop-invariant data they carry.</summary>
    private sealed class Search
    {
        private static readonly Func<IOperation, bool> Always = _ => true;

        private readonly ProcessStart process;
        private readonly IOperation body;
        private readonly IOperation owner;
        private readonly BlockFacts facts;
        private readonly Serializers serializers;
        private readonly KnownTypes types;

        // The code that runs once per item: a loop with its header (the iteration variable), or the whole lambda.
        private readonly TextSpan region;
        private readonly SyntaxTree tree;
        private readonly List<(string Channel, IOperation Value)> values = new();

        public Search(ProcessStart process, IOperation body, IOperation owner, BlockFacts facts, Serializers serializers, KnownTypes types)
        {
            this.process = process;
            this.body = body;
            this.owner = owner;
            this.facts = facts;
            this.serializers = serializers;
            this.types = types;
            region = owner is ILoopOperation ? owner.Syntax.Span : body.Syntax.Span;
            tree = body.Syntax.SyntaxTree;
        }

        public void Report(AnalyzerOptions options, Action<Diagnostic> report)
        {
            CollectChannels();
            string? suffix = null;
            foreach (var (channel, value) in values)
            {
                foreach (var part in Parts(value, depth: 0))
                {
                    if (Finding(part) is not { } finding)
                    {
                        continue;
                    }

                    // One diagnostic per channel value (two starts may share a start info): its first invariant part.
                    if (facts.Reported.Add(part.Syntax.Span))
                    {
                        report(Diagnostic.Create(
                            Rules.SameDataToEveryProcess,
                            part.Syntax.GetLocation(),
                            new[] { OwnerLocation() },
                            ImmutableDictionary<string, string?>.Empty
                                .Add(ChannelProperty, channel)
                                .Add(DataProperty, finding.Data)
                                .Add(ExtensionProperty, finding.Format switch { Format.Json => "json", Format.Bytes => "bin", _ => "txt" })
                                .Add(PathFlagSuffixProperty, suffix ??= RuleOptions.PathFlagSuffix(options, tree)),
                            channel,
                            Collapse(part.Syntax.ToString())));
                    }

                    break;
                }
            }
        }

        // Where the fix stages the data: before the loop, or before the statement that calls the per-item method.
        private Location OwnerLocation() => owner.Syntax.GetLocation();

        private static string Collapse(string text) =>
            string.Join(" ", text.Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));

        private void CollectChannels()
        {
            var locals = facts.Locals;
            var start = process.Invocation;
            if (start.Instance is null)
            {
                AddArguments(start.Arguments);
            }

            switch (process.StartInfo?.WalkDownConversion())
            {
                case IObjectCreationOperation creation:
                    AddCreation(creation);
                    break;
                case ILocalReferenceOperation { Local: var startInfo }:
                    if (locals.InitialValue(startInfo)?.WalkDownConversion() is IObjectCreationOperation initial)
                    {
                        AddCreation(initial);
                    }

                    foreach (var reference in locals.References(startInfo))
                    {
                        AddStartInfoUse(reference);
                    }

                    break;
            }

            if (process.Process is not { } started)
            {
                return;
            }

            foreach (var reference in locals.References(started))
            {
                switch (Parent(reference))
                {
                    // p.StartInfo.Arguments = ..., for p.Start().
                    case IPropertyReferenceOperation { Property.Name: "StartInfo" } startInfo when startInfo.Instance?.WalkDownConversion() == reference:
                        AddStartInfoUse(startInfo);
                        break;

                    // p.StandardInput.Write(...), within the per-item body.
                    case IPropertyReferenceOperation { Property.Name: "StandardInput" } input
                        when input.Instance?.WalkDownConversion() == reference && body.Syntax.Span.Contains(input.Syntax.Span) &&
                             Parent(input) is IInvocationOperation { TargetMethod.Name: "Write" or "WriteLine" or "WriteAsync" or "WriteLineAsync" } write &&
                             write.Instance?.WalkDownConversion() == input && write.Arguments.Length > 0:
                        values.Add((StandardInput, write.Arguments[0].Value));
                        break;
                }
            }
        }

        // Process.Start(file, arguments) and new ProcessStartInfo(file, arguments): a string, or a list of them.
        private void AddArguments(ImmutableArray<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Name != "arguments" || argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    continue;
                }

                if (argument.Parameter.Type.SpecialType == SpecialType.System_String)
                {
                    values.Add((CommandLine, argument.Value));
                }
                else
                {
                    foreach (var element in Elements(argument.Value))
                    {
                        values.Add((CommandLine, element));
                    }
                }
            }
        }

        private void AddCreation(IObjectCreationOperation creation)
        {
            if (!KnownTypes.Is(creation.Type, types.ProcessStartInfo))
            {
                return;
            }

            AddArguments(creation.Arguments);
            foreach (var initializer in creation.Initializer?.Initializers ?? ImmutableArray<IOperation>.Empty)
            {
                switch (initializer)
                {
                    case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Arguments" } } assignment:
                        values.Add((CommandLine, assignment.Value));
                        break;
                    case IMemberInitializerOperation { InitializedMember: IPropertyReferenceOperation { Property.Name: "ArgumentList" }, Initializer: { } list }:
                        foreach (var add in list.Initializers.OfType<IInvocationOperation>())
                        {
                            AddStrings(CommandLine, add.Arguments, Always);
                        }

                        break;
                    case IMemberInitializerOperation { InitializedMember: IPropertyReferenceOperation { Property.Name: "Environment" or "EnvironmentVariables" }, Initializer: { } environment }:
                        foreach (var entry in environment.Initializers)
                        {
                            switch (entry)
                            {
                                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true } } set:
                                    values.Add((Environment, set.Value));
                                    break;
                                case IInvocationOperation add:
                                    AddStrings(Environment, add.Arguments, a => a.Parameter?.Name != "key");
                                    break;
                            }
                        }

                        break;
                }
            }
        }

        /// <summary>A use of the start info: its arguments or environment set after it was created.</summary>
        private void AddStartInfoUse(IOperation startInfo)
        {
            if (Parent(startInfo) is not IPropertyReferenceOperation member || member.Instance?.WalkDownConversion() != startInfo)
            {
                return;
            }

            var use = Parent(member);
            switch (member.Property.Name)
            {
                case "Arguments" when use is IAssignmentOperation assignment && assignment.Target == member:
                    values.Add((CommandLine, assignment.Value));
                    break;
                case "ArgumentList" when use is IInvocationOperation { TargetMethod.Name: "Add" or "Insert" } add && add.Instance?.WalkDownConversion() == member:
                    AddStrings(CommandLine, add.Arguments, Always);
                    break;
                case "Environment" or "EnvironmentVariables":
                    switch (use)
                    {
                        case IPropertyReferenceOperation { Property.IsIndexer: true } indexer
                            when indexer.Instance?.WalkDownConversion() == member && Parent(indexer) is ISimpleAssignmentOperation set && set.Target == indexer:
                            values.Add((Environment, set.Value));
                            break;
                        case IInvocationOperation { TargetMethod.Name: "Add" or "TryAdd" } add when add.Instance?.WalkDownConversion() == member:
                            AddStrings(Environment, add.Arguments, a => a.Parameter?.Name != "key");
                            break;
                    }

                    break;
            }
        }

        private void AddStrings(string channel, ImmutableArray<IArgumentOperation> arguments, Func<IArgumentOperation, bool> include)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Type.SpecialType == SpecialType.System_String && include(argument))
                {
                    values.Add((channel, argument.Value));
                }
            }
        }

        /// <summary>The elements of a list written in place: an array, a collection initializer or a collection expression.</summary>
        private static IEnumerable<IOperation> Elements(IOperation value)
        {
            value = value.WalkDownConversion();
            switch (value)
            {
                case IArrayCreationOperation { Initializer: { } array }:
                    return array.ElementValues;
                case IObjectCreationOperation { Initializer: { } initializer }:
                    return initializer.Initializers.OfType<IInvocationOperation>().SelectMany(add => add.Arguments.Select(a => a.Value));
            }

            // Roslyn 4.8 has no operation for collection expressions: find each element's own operation under it.
            if (value.Syntax is CollectionExpressionSyntax collection)
            {
                var elements = new HashSet<SyntaxNode>(collection.Elements.OfType<ExpressionElementSyntax>().Select(e => e.Expression));
                var found = new List<IOperation>();
                var pending = new Stack<IOperation>();
                pending.Push(value);
                while (pending.Count > 0)
                {
                    var current = pending.Pop();
                    if (elements.Remove(current.Syntax))
                    {
                        found.Add(current);
                        continue;
                    }

                    foreach (var child in current.ChildOperations)
                    {
                        pending.Push(child);
                    }
                }

                return found;
            }

            return Enumerable.Empty<IOperation>();
        }

        /// <summary>
        /// The parts a value is made of: the holes of an interpolated string, the operands of a string
        /// concatenation, and (a few levels deep) the value of a body local that composes them.
        /// </summary>
        private IEnumerable<IOperation> Parts(IOperation value, int depth)
        {
            value = value.WalkDownConversion();
            switch (value)
            {
                case IInterpolatedStringOperation interpolated:
                    return interpolated.Parts.OfType<IInterpolationOperation>().SelectMany(hole => Parts(hole.Expression, depth));
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String } concatenation:
                    return Parts(concatenation.LeftOperand, depth).Concat(Parts(concatenation.RightOperand, depth));
                case ILocalReferenceOperation { Local: var local } when depth < 3 && IsInRegion(local) && !IsWritten(local, anywhere: true) &&
                                                                      facts.Locals.InitialValue(local) is { } initial:
                    return Parts(initial, depth + 1);
                default:
                    return new[] { value };
            }
        }

        /// <summary>Loop-invariant serialized data: a local declared before the body holding it, or an inline call.</summary>
        private (string Data, Format Format)? Finding(IOperation part)
        {
            switch (part)
            {
                case ILocalReferenceOperation { Local: var local } when !IsInRegion(local) && !IsWritten(local, anywhere: true) &&
                                                                      facts.Locals.InitialValue(local)?.WalkDownConversion() is IInvocationOperation call &&
                                                                      serializers.Match(call, facts.Locals) is { } match:
                    // Computed once before the body and never changed: the same value for every item.
                    return (HoistedLocal, match.Format);
                // A file read in the body is not counted: the body, or the child before, may rewrite it per item.
                case IInvocationOperation call when serializers.Match(call, facts.Locals) is { } match && !serializers.ReadsFile(call) &&
                                                    call.Arguments.All(a => IsInvariant(a.Value, call.Syntax.Span)):
                    return (Inline, match.Format);
                default:
                    return null;
            }
        }

        /// <summary>
        /// True when every value the expression reads is the same for every item: constants, readonly fields, and
        /// locals and parameters declared outside the body that the body never assigns or mutates; calls only to
        /// LINQ, <c>ToString</c> and the serializers. <paramref name="own"/> is the call's span: the parameters
        /// of lambdas inside it are its own.
        /// </summary>
        private bool IsInvariant(IOperation expression, TextSpan own)
        {
            foreach (var operation in expression.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case ILocalReferenceOperation { Local: var local }:
                        if (!IsDeclaredWithin(local, own) && (IsInRegion(local) || IsWritten(local, anywhere: false)))
                        {
                            return false;
                        }

                        break;
                    case IParameterReferenceOperation { Parameter: var parameter }:
                        if (!IsDeclaredWithin(parameter, own) && (IsInRegion(parameter) || IsWritten(parameter, anywhere: false)))
                        {
                            return false;
                        }

                        break;
                    case IFieldReferenceOperation { Field: var field }:
                        if (!field.IsConst && (!field.IsReadOnly || IsWritten(field, anywhere: false)))
                        {
                            return false;
                        }

                        break;
                    case IPropertyReferenceOperation { Property.IsStatic: true }:
                        // DateTime.Now, Environment.TickCount...: a static property may differ between reads.
                        return false;
                    case IInvocationOperation call:
                        if (!IsPure(call))
                        {
                            return false;
                        }

                        break;
                    case ILiteralOperation or IConversionOperation or IBinaryOperation or IUnaryOperation or IConditionalOperation or
                        ICoalesceOperation or IInterpolatedStringOperation or IInterpolatedStringTextOperation or IInterpolationOperation or
                        IArgumentOperation or IObjectCreationOperation or IAnonymousObjectCreationOperation or IArrayCreationOperation or
                        IArrayInitializerOperation or IObjectOrCollectionInitializerOperation or IMemberInitializerOperation or
                        ISimpleAssignmentOperation { Parent: IObjectOrCollectionInitializerOperation } or IInstanceReferenceOperation or
                        IArrayElementReferenceOperation or ITupleOperation or IDefaultValueOperation or ITypeOfOperation or INameOfOperation or
                        IDelegateCreationOperation or IAnonymousFunctionOperation or IBlockOperation or IReturnOperation or
                        IPropertyReferenceOperation or IConditionalAccessOperation or IConditionalAccessInstanceOperation:
                        break;
                    case { Kind: OperationKind.None }:
                        // Roslyn 4.8 has no operation for collection expressions; their elements are checked as children.
                        break;
                    default:
                        return false;
                }
            }

            return true;
        }

        private bool IsPure(IInvocationOperation call)
        {
            var method = call.TargetMethod.ReducedFrom ?? call.TargetMethod;
            return (serializers.IsSerializer(call) && !serializers.ReadsFile(call)) ||
                   KnownTypes.Is(method.ContainingType?.OriginalDefinition, types.Enumerable) ||
                   (!method.IsStatic && method.Name == "ToString");
        }

        private bool IsInRegion(ISymbol symbol) => IsDeclaredWithin(symbol, region);

        private bool IsDeclaredWithin(ISymbol symbol, TextSpan span) =>
            symbol.DeclaringSyntaxReferences.FirstOrDefault() is { } declaration &&
            declaration.SyntaxTree == tree && span.Contains(declaration.Span);

        /// <summary>True when the symbol is assigned, passed by ref or out, or mutated, in the body (or <paramref name="anywhere"/>).</summary>
        private bool IsWritten(ISymbol symbol, bool anywhere)
        {
            foreach (var reference in facts.References(symbol))
            {
                if ((anywhere || region.Contains(reference.Syntax.Span)) && IsWrite(reference, directOnly: anywhere))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A write to the variable (assignment, increment, ref or out argument, deconstruction), or unless
        /// <paramref name="directOnly"/>, a change to what it holds: a mutating call on it or on a member of it,
        /// or an assignment to an element or member of it.
        /// </summary>
        private static bool IsWrite(IOperation reference, bool directOnly)
        {
            var current = reference;
            while (true)
            {
                var parent = current.Parent;
                while (parent is IConversionOperation)
                {
                    current = parent;
                    parent = parent.Parent;
                }

                switch (parent)
                {
                    case IAssignmentOperation assignment when assignment.Target == current:
                    case IIncrementOrDecrementOperation:
                    case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out }:
                    case IDeconstructionAssignmentOperation:
                    case ITupleOperation:
                        return true;
                }

                if (directOnly && current == reference)
                {
                    return false;
                }

                switch (parent)
                {
                    case IInvocationOperation call when call.Instance == current && IsMutating(call.TargetMethod.Name):
                    case IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: var name } } when IsMutating(name):
                        return true;
                    case IMemberReferenceOperation member when member.Instance == current:
                    case IArrayElementReferenceOperation element when element.ArrayReference == current:
                        // settings.Values[0] = x, settings.Items.Add(x): follow the member to what is done with it.
                        current = parent;
                        continue;
                    default:
                        return false;
                }
            }
        }

        private static bool IsMutating(string name) =>
            name is "Add" or "AddRange" or "Insert" or "InsertRange" or "Clear" or "Sort" or "Reverse" or "Push" or "Pop" or
                "Enqueue" or "Dequeue" or "TryAdd" or "TryPop" or "TryDequeue" or "TryTake" or "TryUpdate" or "AddOrUpdate" or
                "GetOrAdd" or "Shuffle" or "Fill" or "CopyTo" or "Resize" ||
            name.StartsWith("Remove", StringComparison.Ordinal) || name.StartsWith("TryRemove", StringComparison.Ordinal);

        private static IOperation? Parent(IOperation operation)
        {
            var parent = operation.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            return parent;
        }
    }
}
