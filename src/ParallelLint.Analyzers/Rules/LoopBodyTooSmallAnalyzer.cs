using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL2005: a <c>Parallel.For</c> (int or long range) whose body is a few statements of arithmetic, assignments and
/// array elements, with no calls but cheap <c>Math</c> functions, no loops, allocations, locks or awaits: each
/// iteration costs a delegate call and a share of scheduling that outweigh its work.
/// </summary>
/// <remarks>
/// The body is judged by what it may contain (a list of cheap operations), so anything unknown, including code
/// still being typed, is not a finding. Bodies that use <c>ParallelLoopState</c> or thread-local state, and loops
/// bounded to one, are left alone.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LoopBodyTooSmallAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The most statements a body may have and still be too small.</summary>
    private const int MaxStatements = 3;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.LoopBodyTooSmall);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Of(start.Compilation);
            if (types.Parallel is null)
            {
                return;
            }

            var constructs = new ParallelConstructs(types);
            var math = new[] { types.Math, types.MathF };
            var blocks = BlockLocals.Of(start.Compilation);
            start.RegisterOperationAction(
                context =>
                {
                    var invocation = (IInvocationOperation)context.Operation;
                    if (invocation.TargetMethod.Name != "For" || !KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Parallel) ||
                        Body(invocation) is not { } body ||
                        !IsTooSmall(body, math) ||
                        constructs.Recognize(invocation) is not { } construct)
                    {
                        return;
                    }

                    // Options in a local: its degree is read from every use (only for the rare loops found small).
                    var locals = construct.DegreeSource?.WalkDownConversion() is ILocalReferenceOperation
                        ? blocks.For(invocation)
                        : null;
                    if (constructs.DegreeOf(construct, locals) == Degree.One)
                    {
                        return;
                    }

                    context.Report(Diagnostic.Create(Rules.LoopBodyTooSmall, construct.Location, construct.Name));
                },
                OperationKind.Invocation);
        });
    }

    /// <summary>
    /// The lambda of <c>Parallel.For(from, to, [options,] i => ...)</c> over an int or long range: not async, one
    /// parameter (no <c>ParallelLoopState</c>), no thread-local state.
    /// </summary>
    internal static IAnonymousFunctionOperation? Body(IInvocationOperation invocation)
    {
        var parameters = invocation.TargetMethod.Parameters;
        if (parameters.Length < 3 ||
            parameters[0].Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64) ||
            parameters.Any(parameter => parameter.Name is "localInit" or "localFinally"))
        {
            return null;
        }

        var body = invocation.Arguments.FirstOrDefault(argument => argument.Parameter?.Name == "body")?.Value.WalkDownConversion();
        return body is IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Symbol: { IsAsync: false, ReturnsVoid: true, Parameters.Length: 1 } } function }
            ? function
            : null;
    }

    /// <summary>A body of one to three statements made only of cheap operations.</summary>
    private static bool IsTooSmall(IAnonymousFunctionOperation function, INamedTypeSymbol?[] math)
    {
        // Counting stops past the limit: a large body costs no more than a small one.
        var statements = function.Syntax switch
        {
            AnonymousFunctionExpressionSyntax { ExpressionBody: not null } => 1,
            AnonymousFunctionExpressionSyntax { Block: { } block } =>
                block.DescendantNodes().OfType<StatementSyntax>().Where(statement => statement is not BlockSyntax).Take(MaxStatements + 1).Count(),
            _ => 0,
        };
        return statements is >= 1 and <= MaxStatements && function.Body.DescendantsAndSelf().All(operation => IsCheap(operation, math));
    }

    /// <summary>
    /// Arithmetic on values, assignments, locals, fields, array elements and lengths, conditions, <c>return;</c>,
    /// and cheap <c>Math</c> functions. No other call, property, allocation (boxing included), loop, lock or await.
    /// </summary>
    private static bool IsCheap(IOperation operation, INamedTypeSymbol?[] math) => operation switch
    {
        IBlockOperation or IExpressionStatementOperation or IEmptyOperation or
            IVariableDeclarationGroupOperation or IVariableDeclarationOperation or IVariableDeclaratorOperation or IVariableInitializerOperation => true,
        IReturnOperation { ReturnedValue: null } => true,
        IConditionalOperation => true,
        ISimpleAssignmentOperation { IsRef: false } => true,
        ICompoundAssignmentOperation { OperatorMethod: null } compound => IsValue(compound.Target.Type) && IsValue(compound.Value.Type),
        IIncrementOrDecrementOperation { OperatorMethod: null } increment => IsValue(increment.Target.Type),
        IBinaryOperation { OperatorMethod: null } binary => IsValue(binary.LeftOperand.Type) && IsValue(binary.RightOperand.Type),
        IUnaryOperation { OperatorMethod: null } unary => IsValue(unary.Operand.Type),
        // Boxing allocates; numeric and reference conversions do not.
        IConversionOperation { OperatorMethod: null } conversion => !(conversion.Type is { IsReferenceType: true } && conversion.Operand.Type is { IsValueType: true }),
        ILiteralOperation or IDefaultValueOperation or IDiscardOperation => true,
        ILocalReferenceOperation or IParameterReferenceOperation or IInstanceReferenceOperation or IFieldReferenceOperation => true,
        IArrayElementReferenceOperation => true,
        IPropertyReferenceOperation { Property.Name: "Length" or "LongLength", Instance.Type: IArrayTypeSymbol } => true,
        IInvocationOperation { Instance: null, TargetMethod: var method } => IsCheapMath(method, math),
        IArgumentOperation { ArgumentKind: ArgumentKind.Explicit or ArgumentKind.DefaultValue } => true,
        _ => false,
    };

    private static bool IsValue(ITypeSymbol? type) => type is { IsValueType: true } && type.TypeKind != TypeKind.Error;

    private static bool IsCheapMath(IMethodSymbol method, INamedTypeSymbol?[] math) =>
        math.Any(type => KnownTypes.Is(method.ContainingType, type)) &&
        method.Name is "Abs" or "Sqrt" or "Cbrt" or "Min" or "Max" or "Clamp" or "Sign" or "CopySign" or "Floor" or "Ceiling" or "Round" or
            "Truncate" or "FusedMultiplyAdd" or "Exp" or "Log" or "Log2" or "Log10" or "Pow" or "Sin" or "Cos" or "Tan" or "Asin" or "Acos" or
            "Atan" or "Atan2" or "Sinh" or "Cosh" or "Tanh" or "MaxMagnitude" or "MinMagnitude" or "BigMul" or "ScaleB" or "ILogB" or
            "ReciprocalEstimate" or "ReciprocalSqrtEstimate" or "BitIncrement" or "BitDecrement" or "IEEERemainder";

}
