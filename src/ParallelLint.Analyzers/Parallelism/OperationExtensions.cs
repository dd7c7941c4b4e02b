namespace ParallelLint.Analyzers.Parallelism;

internal static class OperationExtensions
{
    /// <summary>The operation under any implicit or explicit conversions.</summary>
    public static IOperation WalkDownConversion(this IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>
    /// What a call works on: its instance, or for a static call (a LINQ extension called either way) its first
    /// parameter's argument; null when there is none.
    /// </summary>
    public static IOperation? Receiver(this IInvocationOperation invocation) => invocation.Instance ?? invocation.Argument(0)?.Value;

    /// <summary>
    /// The argument given for the parameter at <paramref name="ordinal"/>, wherever the call puts it (named arguments
    /// may come in any order; an extension method's receiver is parameter 0); null when there is none.
    /// </summary>
    public static IArgumentOperation? Argument(this IInvocationOperation invocation, int ordinal)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument;
            }
        }

        return null;
    }

    /// <summary>The root of the operation tree <paramref name="operation"/> belongs to: its whole operation block.</summary>
    public static IOperation Root(this IOperation operation)
    {
        while (operation.Parent is { } parent)
        {
            operation = parent;
        }

        return operation;
    }
}
