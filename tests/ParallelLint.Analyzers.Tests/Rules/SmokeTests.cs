using System.Threading.Tasks;
using Xunit;
using VerifyPL1001 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.NestedParallelConstructAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class SmokeTests
{
    [Fact]
    public Task ParallelForInParallelFor() => VerifyPL1001.Analyzer("""
        using System.Threading.Tasks;
        class C
        {
            void M(int n)
            {
                Parallel.For(0, n, i =>
                {
                    {|PL1001:Parallel.For|}(0, n, j => { });
                });
            }
        }
        """);
}
