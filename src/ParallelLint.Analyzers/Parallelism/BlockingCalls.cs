using System.Runtime.CompilerServices;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// Calls that block the thread they run on: sleeping, waiting on tasks, events and collections, synchronous file
/// and network I/O, waiting for processes. The types are resolved by metadata name once per compilation.
/// </summary>
internal sealed class BlockingCalls
{
    private static readonly ConditionalWeakTable<Compilation, BlockingCalls> Cache = new();

    private readonly INamedTypeSymbol? thread;
    private readonly INamedTypeSymbol? task;
    private readonly INamedTypeSymbol? genericTask;
    private readonly INamedTypeSymbol? valueTask;
    private readonly INamedTypeSymbol? genericValueTask;
    private readonly HashSet<INamedTypeSymbol> awaiters = new(SymbolEqualityComparer.Default);
    private readonly INamedTypeSymbol? file;
    private readonly INamedTypeSymbol? stream;
    private readonly INamedTypeSymbol? memoryStream;
    private readonly INamedTypeSymbol? streamReader;
    private readonly INamedTypeSymbol? streamWriter;
    private readonly INamedTypeSymbol? httpClient;
    private readonly INamedTypeSymbol? webClient;
    private readonly INamedTypeSymbol? socket;
    private readonly INamedTypeSymbol? tcpClient;
    private readonly INamedTypeSymbol? dns;
    private readonly INamedTypeSymbol? process;
    private readonly INamedTypeSymbol? blockingCollection;
    private readonly INamedTypeSymbol? semaphoreSlim;
    private readonly INamedTypeSymbol? manualResetEventSlim;
    private readonly INamedTypeSymbol? countdownEvent;
    private readonly INamedTypeSymbol? barrier;
    private readonly INamedTypeSymbol? waitHandle;
    private readonly INamedTypeSymbol? monitor;

    private BlockingCalls(Compilation compilation)
    {
        var types = KnownTypes.Of(compilation);
        INamedTypeSymbol? Type(string name) => types.Named(name);
        thread = Type("System.Threading.Thread");
        task = Type("System.Threading.Tasks.Task");
        genericTask = Type("System.Threading.Tasks.Task`1");
        valueTask = Type("System.Threading.Tasks.ValueTask");
        genericValueTask = Type("System.Threading.Tasks.ValueTask`1");
        foreach (var awaiter in new[]
        {
            "System.Runtime.CompilerServices.TaskAwaiter",
            "System.Runtime.CompilerServices.TaskAwaiter`1",
            "System.Runtime.CompilerServices.ValueTaskAwaiter",
            "System.Runtime.CompilerServices.ValueTaskAwaiter`1",
            "System.Runtime.CompilerServices.ConfiguredTaskAwaitable+ConfiguredTaskAwaiter",
            "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter",
            "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable+ConfiguredValueTaskAwaiter",
            "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1+ConfiguredValueTaskAwaiter",
        })
        {
            if (Type(awaiter) is { } found)
            {
                awaiters.Add(found);
            }
        }

        file = Type("System.IO.File");
        stream = Type("System.IO.Stream");
        memoryStream = Type("System.IO.MemoryStream");
        streamReader = Type("System.IO.StreamReader");
        streamWriter = Type("System.IO.StreamWriter");
        httpClient = Type("System.Net.Http.HttpClient");
        webClient = Type("System.Net.WebClient");
        socket = Type("System.Net.Sockets.Socket");
        tcpClient = Type("System.Net.Sockets.TcpClient");
        dns = Type("System.Net.Dns");
        process = Type("System.Diagnostics.Process");
        blockingCollection = Type("System.Collections.Concurrent.BlockingCollection`1");
        semaphoreSlim = Type("System.Threading.SemaphoreSlim");
        manualResetEventSlim = Type("System.Threading.ManualResetEventSlim");
        countdownEvent = Type("System.Threading.CountdownEvent");
        barrier = Type("System.Threading.Barrier");
        waitHandle = Type("System.Threading.WaitHandle");
        monitor = Type("System.Threading.Monitor");
    }

    /// <summary>The blocking calls of <paramref name="compilation"/>, resolved on first use.</summary>
    public static BlockingCalls Of(Compilation compilation) => Cache.GetValue(compilation, c => new BlockingCalls(c));

    /// <summary>
    /// How the message names the blocking member <paramref name="operation"/> calls (<c>Thread.Sleep</c>,
    /// <c>File.ReadAllText</c>, <c>Task.Result</c>), or null when it does not block.
    /// </summary>
    public string? Recognize(IOperation operation)
    {
        switch (operation)
        {
            case IPropertyReferenceOperation { Property: { Name: "Result" } property }
                when Is(property.ContainingType.OriginalDefinition, genericTask) || Is(property.ContainingType.OriginalDefinition, genericValueTask):
                return property.ContainingType.Name + ".Result";
            case IInvocationOperation invocation:
                return Recognize(invocation);
            default:
                return null;
        }
    }

    private string? Recognize(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return null;
        }

        var name = method.Name;
        string Named() => type.Name + "." + name;

        if (Is(type, thread))
        {
            return name is "Sleep" or "Join" && !IsZeroTimeout(invocation) ? Named() : null;
        }

        if (Is(type, task) || Is(type, genericTask))
        {
            return name is "Wait" or "WaitAll" or "WaitAny" && !IsZeroTimeout(invocation) ? "Task." + name : null;
        }

        if (name == "GetResult" && awaiters.Contains(type))
        {
            return "GetAwaiter().GetResult()";
        }

        if (Is(type, file))
        {
            return name.StartsWith("ReadAll", System.StringComparison.Ordinal) || name.StartsWith("WriteAll", System.StringComparison.Ordinal) ||
                   name.StartsWith("AppendAll", System.StringComparison.Ordinal) || name is "Copy" or "Move" or "ReadLines"
                ? (name.EndsWith("Async", System.StringComparison.Ordinal) ? null : Named())
                : null;
        }

        if (Inherits(type, stream) || (invocation.Instance?.Type is { } instanceType && Inherits(instanceType, stream)))
        {
            // A memory stream reads and writes memory; any other stream (file, network, pipe, or unknown) may block.
            var receiver = invocation.Instance?.Type ?? type;
            return name is "Read" or "ReadByte" or "ReadExactly" or "ReadAtLeast" or "Write" or "WriteByte" or "CopyTo" or "Flush" &&
                   !Inherits(receiver, memoryStream)
                ? receiver.Name + "." + name
                : null;
        }

        if (Inherits(type, streamReader) || Inherits(invocation.Instance?.Type, streamReader))
        {
            return name is "Read" or "ReadBlock" or "ReadLine" or "ReadToEnd" ? "StreamReader." + name : null;
        }

        if (Inherits(type, streamWriter) || Inherits(invocation.Instance?.Type, streamWriter))
        {
            return name is "Write" or "WriteLine" or "Flush" ? "StreamWriter." + name : null;
        }

        if (Is(type, httpClient))
        {
            return name == "Send" ? Named() : null;
        }

        if (Is(type, webClient))
        {
            return (name.StartsWith("Download", System.StringComparison.Ordinal) || name.StartsWith("Upload", System.StringComparison.Ordinal) || name == "OpenRead") &&
                   !name.EndsWith("Async", System.StringComparison.Ordinal)
                ? Named()
                : null;
        }

        if (Is(type, socket))
        {
            return name is "Receive" or "ReceiveFrom" or "Send" or "SendTo" or "Connect" or "Accept" ? Named() : null;
        }

        if (Is(type, tcpClient))
        {
            return name == "Connect" ? Named() : null;
        }

        if (Is(type, dns))
        {
            return name is "GetHostEntry" or "GetHostAddresses" ? Named() : null;
        }

        if (Is(type, process))
        {
            return name == "WaitForExit" && !IsZeroTimeout(invocation) ? Named() : null;
        }

        if (Is(type, blockingCollection))
        {
            // TryTake without a timeout, or with a zero one, returns at once.
            return name switch
            {
                "Take" or "GetConsumingEnumerable" or "TakeFromAny" => "BlockingCollection." + name,
                "TryTake" or "TryTakeFromAny" when HasTimeout(invocation) && !IsZeroTimeout(invocation) => "BlockingCollection." + name,
                _ => null,
            };
        }

        if (Is(type, semaphoreSlim) || Is(type, manualResetEventSlim) || Is(type, countdownEvent))
        {
            return name == "Wait" && !IsZeroTimeout(invocation) ? Named() : null;
        }

        if (Is(type, barrier))
        {
            return name == "SignalAndWait" && !IsZeroTimeout(invocation) ? Named() : null;
        }

        if (Inherits(type, waitHandle))
        {
            // WaitOne is declared on WaitHandle: name the event the code waits on.
            var receiver = invocation.Instance?.Type ?? type;
            return name is "WaitOne" or "WaitAll" or "WaitAny" or "SignalAndWait" && !IsZeroTimeout(invocation) ? receiver.Name + "." + name : null;
        }

        if (Is(type, monitor))
        {
            return name == "Wait" && !IsZeroTimeout(invocation) ? Named() : null;
        }

        return null;
    }

    private static bool HasTimeout(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name is "millisecondsTimeout" or "timeout")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A wait with a timeout of zero polls: it never blocks.</summary>
    private static bool IsZeroTimeout(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name is "millisecondsTimeout" or "timeout" or "millisecondsTimeOutInterval" &&
                argument.Value.WalkDownConversion().ConstantValue is { HasValue: true, Value: 0 })
            {
                return true;
            }
        }

        return false;
    }

    private static bool Is(ITypeSymbol? type, ITypeSymbol? known) => KnownTypes.Is(type, known);

    private static bool Inherits(ITypeSymbol? type, ITypeSymbol? known)
    {
        if (known is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, known))
            {
                return true;
            }
        }

        return false;
    }
}
