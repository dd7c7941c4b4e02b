using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ParallelLint.Analyzers.Parallelism
{
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
    }
}
