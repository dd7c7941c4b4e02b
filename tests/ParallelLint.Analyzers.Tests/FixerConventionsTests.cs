using System.Reflection;
using System.Reflection.Emit;
using Microsoft.CodeAnalysis.CodeFixes;
using ParallelLint.CodeFixes.Rewriting;

namespace ParallelLint.Analyzers.Tests;

/// <summary>
/// Holds the fixers to their shape: each derives from <see cref="RewriteFixer"/> (which owns registration, Fix All
/// and the fixable id), and none reads a diagnostic's message, which is translated and reworded; the facts a fix
/// needs travel in the diagnostic's properties.
/// </summary>
public class FixerConventionsTests
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly Assembly CodeFixes = typeof(RewriteFixer).Assembly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(opCode => opCode.Value);

    [Fact]
    public void Every_fixer_derives_from_RewriteFixer()
    {
        var fixers = CodeFixes.GetTypes().Where(type => !type.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(type)).ToList();

        Assert.NotEmpty(fixers);
        Assert.Empty(fixers.Where(type => !type.IsSubclassOf(typeof(RewriteFixer))).Select(type => type.Name));
        Assert.Empty(fixers.Where(type => type.GetCustomAttribute<ExportCodeFixProviderAttribute>() is null).Select(type => type.Name));
    }

    [Fact]
    public void No_fixer_reads_a_diagnostic_message()
    {
        var readers = CodeFixes.GetTypes()
            .SelectMany(type => type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
            .Where(method => Callees(method).Any(callee => callee.Name == nameof(Diagnostic.GetMessage) && typeof(Diagnostic).IsAssignableFrom(callee.DeclaringType)))
            .ToList();

        // FixedDocument compares the compiler's errors before and after a fix by id and message, which are not the
        // diagnostics being fixed; that it is found shows the scan sees calls at all.
        Assert.Contains(readers, method => IsWithin(method.DeclaringType!, typeof(FixedDocument)));
        Assert.Empty(readers.Where(method => !IsWithin(method.DeclaringType!, typeof(FixedDocument))).Select(method => $"{method.DeclaringType}.{method.Name}"));
    }

    private static bool IsWithin(Type type, Type outer)
    {
        for (Type? current = type; current is not null; current = current.DeclaringType)
        {
            if (current == outer)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The methods <paramref name="method"/>'s IL calls or takes a delegate to (lambdas and async state machines are methods of their own).</summary>
    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray() ?? Array.Empty<byte>();
        for (var i = 0; i < il.Length;)
        {
            var opCode = il[i] == 0xFE ? OpCodesByValue[unchecked((short)(0xFE00 | il[i + 1]))] : OpCodesByValue[il[i]];
            i += opCode.Size;
            if (opCode.OperandType == OperandType.InlineMethod && Resolve(method, BitConverter.ToInt32(il, i)) is { } callee)
            {
                yield return callee;
            }

            i += opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
        }
    }

    private static MethodBase? Resolve(MethodBase method, int token)
    {
        try
        {
            return method.Module.ResolveMethod(
                token,
                method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null,
                method.IsGenericMethod ? method.GetGenericArguments() : null);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
