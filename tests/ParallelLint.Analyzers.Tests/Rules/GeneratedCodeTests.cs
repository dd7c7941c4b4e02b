using VerifyPL1001 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.NestedParallelConstructAnalyzer>;
using VerifyPL1002 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.HiddenNestedParallelismAnalyzer>;
using VerifyPL2005 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.LoopBodyTooSmallAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

/// <summary>
/// The rules filter their own diagnostics in generated code (<see cref="GeneratedCode"/>) instead of leaving it to the
/// driver: these are the cases where the driver, with <c>GeneratedCodeAnalysisFlags.None</c>, analyzes code but drops
/// what is reported in it, and the cases it keeps. They pass the same with either configuration.
/// </summary>
public class GeneratedCodeTests
{
    [Fact]
    public Task A_marked_member_is_not_analyzed() => VerifyPL1001.Analyzer("""
        using System.CodeDom.Compiler;
        using System.Threading.Tasks;
        class C
        {
            [GeneratedCode("tool", "1.0")]
            void M(int n) => Parallel.For(0, n, i => Parallel.For(0, n, j => { }));
        }
        """);

    [Fact]
    public Task A_marked_type_is_not_analyzed() => VerifyPL1001.Analyzer("""
        using System.CodeDom.Compiler;
        using System.Threading.Tasks;
        [GeneratedCode("tool", "1.0")]
        class C
        {
            void M(int n) => Parallel.For(0, n, i => Parallel.For(0, n, j => { }));
        }
        """);

    [Fact]
    public Task The_accessors_of_a_marked_property_report_nothing() => VerifyPL1001.Analyzer("""
        using System.CodeDom.Compiler;
        using System.Threading.Tasks;
        class C
        {
            int n;

            [GeneratedCode("tool", "1.0")]
            int P
            {
                get { Parallel.For(0, n, i => Parallel.For(0, n, j => { })); return n; }
                set { Parallel.For(0, value, i => Parallel.For(0, value, j => { })); }
            }

            [GeneratedCode("tool", "1.0")]
            int Q => Parallel.For(0, n, i => Parallel.For(0, n, j => { })).IsCompleted ? 1 : 0;

            int R => Parallel.For(0, n, i => {|PL1001:Parallel.For|}(0, n, j => { })).IsCompleted ? 1 : 0;
        }
        """);

    [Fact]
    public Task A_partial_type_inside_a_marked_type_reports_nothing() => VerifyPL1001.Analyzer("""
        using System.CodeDom.Compiler;
        using System.Threading.Tasks;
        [GeneratedCode("tool", "1.0")]
        class Outer
        {
            partial class Inner
            {
                void M(int n) => Parallel.For(0, n, i => Parallel.For(0, n, j => { }));
            }

            partial class Inner
            {
            }
        }
        """);

    [Fact]
    public Task A_partial_type_marked_on_one_part_is_analyzed() => VerifyPL1001.Analyzer("""
        using System.CodeDom.Compiler;
        using System.Threading.Tasks;
        [GeneratedCode("tool", "1.0")]
        partial class C
        {
            void M(int n) => Parallel.For(0, n, i => {|PL1001:Parallel.For|}(0, n, j => { }));
        }

        partial class C
        {
        }
        """);

    [Fact]
    public Task A_marked_local_function_is_still_analyzed() => VerifyPL1001.Analyzer("""
        using System.CodeDom.Compiler;
        using System.Threading.Tasks;
        class C
        {
            void M(int n)
            {
                [GeneratedCode("tool", "1.0")]
                void Local() => Parallel.For(0, n, i => {|PL1001:Parallel.For|}(0, n, j => { }));
                Local();
            }
        }
        """);

    [Fact]
    public Task Other_attributes_change_nothing() => VerifyPL2005.Analyzer("""
        using System;
        using System.Threading.Tasks;
        [Serializable]
        class C
        {
            int[] a = new int[10];

            [Obsolete]
            int P
            {
                get { {|PL2005:Parallel.For|}(0, a.Length, i => a[i] = i); return 0; }
            }
        }
        """);

    [Fact]
    public Task Hidden_lines_report_nothing() => VerifyPL1001.Analyzer("""
        using System.Threading.Tasks;
        class C
        {
            void M(int n)
            {
        #line hidden
                Parallel.For(0, n, i => Parallel.For(0, n, j => { }));
        #line default
            }
        }
        """);

    [Fact]
    public Task Compilation_end_findings_in_a_marked_property_are_dropped() => VerifyPL1002.Analyzer("""
        using System.CodeDom.Compiler;
        using System.Threading.Tasks;
        class C
        {
            int n;

            [GeneratedCode("tool", "1.0")]
            int P
            {
                get { Parallel.For(0, n, i => Work()); return n; }
            }

            void Run() => Parallel.For(0, n, i => {|PL1002:Work|}());

            void Work() => Parallel.For(0, n, j => { });
        }
        """);

    [Fact]
    public Task Compilation_end_findings_on_hidden_lines_are_dropped() => VerifyPL1002.Analyzer("""
        using System.Threading.Tasks;
        class C
        {
            int n;

            void Run()
            {
        #line hidden
                Parallel.For(0, n, i => Work());
        #line default
            }

            void Work() => Parallel.For(0, n, j => { });
        }
        """);
}
