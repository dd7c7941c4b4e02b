using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// The channels a started child process receives from its parent: the command line (<c>Process.Start(file, args)</c>,
/// <c>ProcessStartInfo.Arguments</c>/<c>ArgumentList</c>), the environment (<c>Environment</c>,
/// <c>EnvironmentVariables</c>) and standard input (<c>p.StandardInput.Write...</c>), each value as written.
/// </summary>
internal sealed class ProcessChannels
{
    public const string CommandLine = "command line";
    public const string Environment = "environment";
    public const string StandardInput = "standard input";

    private static readonly Func<IArgumentOperation, bool> Always = _ => true;

    private readonly KnownTypes types;
    private readonly List<(string Channel, IOperation Value)> values = new();

    private ProcessChannels(KnownTypes types) => this.types = types;

    /// <summary>Every value that <paramref name="process"/>'s command line, environment and (in <paramref name="body"/>) standard input carry.</summary>
    public static List<(string Channel, IOperation Value)> Of(ProcessStart process, IOperation body, LocalUsages locals, KnownTypes types)
    {
        var channels = new ProcessChannels(types);
        channels.Collect(process, body, locals);
        return channels.values;
    }

    private void Collect(ProcessStart process, IOperation body, LocalUsages locals)
    {
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

                // Serializer.Serialize(p.StandardInput.BaseStream, data): the call that writes to standard input.
                case IPropertyReferenceOperation { Property.Name: "StandardInput" } input
                    when input.Instance?.WalkDownConversion() == reference && body.Syntax.Span.Contains(input.Syntax.Span) &&
                         (Parent(input) is IPropertyReferenceOperation { Property.Name: "BaseStream" } stream ? Parent(stream) : Parent(input)) is
                             IArgumentOperation { Parent: IInvocationOperation writer }:
                    values.Add((StandardInput, writer));
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
