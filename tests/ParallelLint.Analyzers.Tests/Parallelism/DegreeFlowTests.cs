using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ParallelLint.Analyzers.Parallelism;
using ParallelLint.Analyzers.Tests.Verifiers;

namespace ParallelLint.Analyzers.Tests.Parallelism;

/// <summary>
/// <see cref="DegreeFlow"/> on its own: the degree of every <c>Parallel.For</c> in a class, read from fields and
/// properties, and the variable shared by two nested levels.
/// </summary>
public class DegreeFlowTests
{
    [Theory]
    [InlineData("private readonly ParallelOptions o = new ParallelOptions();", "Unbounded")]
    [InlineData("private readonly ParallelOptions o = new() { MaxDegreeOfParallelism = 1 };", "One")]
    [InlineData("private static readonly ParallelOptions o = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };", "AllCores")]
    [InlineData("private ParallelOptions o; C() { o = new ParallelOptions { MaxDegreeOfParallelism = 3 }; }", "Bounded")]
    [InlineData("private ParallelOptions o = new(); C() { o.MaxDegreeOfParallelism = 1; }", "Unknown")]
    [InlineData("private ParallelOptions o = new(); void Set(ParallelOptions v) => o = v;", "Unknown")]
    [InlineData("private ParallelOptions o = new(); ParallelOptions Get() => o;", "Unknown")]
    [InlineData("private ParallelOptions o = new(); void Pass() => Helper(o); static void Helper(ParallelOptions p) { }", "Unknown")]
    [InlineData("private ParallelOptions o = new(); void Copy() { var p = o; p.MaxDegreeOfParallelism = 1; }", "Unknown")]
    [InlineData("private ParallelOptions o = new(); class Nested { void Reset(C c) => c.o = new ParallelOptions { MaxDegreeOfParallelism = 1 }; }", "Unknown")]
    [InlineData("private ParallelOptions o;", "Unknown")]
    [InlineData("public ParallelOptions o = new ParallelOptions();", "UnboundedByDefault")]
    [InlineData("public ParallelOptions o { get; set; } = new ParallelOptions();", "UnboundedByDefault")]
    [InlineData("public ParallelOptions o { get; set; } = new ParallelOptions { MaxDegreeOfParallelism = 2 };", "Unknown")]
    [InlineData("public ParallelOptions o { get; set; }", "Unknown")]
    [InlineData("ParallelOptions backing = new(); public ParallelOptions o { get => backing; set => backing = value; }", "UnboundedByDefault")]
    [InlineData("ParallelOptions backing; C() { backing = new(); } public ParallelOptions o { get { return backing; } set { backing = value; } }", "UnboundedByDefault")]
    [InlineData("ParallelOptions backing = new(); public ParallelOptions o => backing;", "UnboundedByDefault")]
    [InlineData("ParallelOptions backing = new(); public ParallelOptions o { get => backing; set { backing = value; Log(); } } void Log() { }", "Unknown")]
    [InlineData("ParallelOptions backing = new(); public ParallelOptions o { get => backing; set => backing = value; } void Reset() => backing = new() { MaxDegreeOfParallelism = 1 };", "Unknown")]
    public void Options_in_a_field_or_property(string members, string expected)
    {
        var (constructs, loops) = Loops(members, "Parallel.For(0, n, o, i => { });");
        Assert.Equal(expected, constructs.DegreeOf(loops.Single(), locals: null).ToString());
    }

    [Theory]
    [InlineData("const int W = 8;", "Bounded")]
    [InlineData("static readonly int W = 1;", "One")]
    [InlineData("static readonly int W = -1;", "Unbounded")]
    [InlineData("static readonly int W = Environment.ProcessorCount;", "AllCores")]
    [InlineData("static readonly int W = V; static readonly int V = Environment.ProcessorCount;", "AllCores")]
    [InlineData("static readonly int W = V; static readonly int V = W;", "Bounded")]
    [InlineData("readonly int W; C(int w) { W = w; }", "Bounded")]
    [InlineData("int W = 1;", "Bounded")]
    public void Degrees_in_constants_and_readonly_fields(string members, string expected)
    {
        var (constructs, loops) = Loops(members, "Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = W }, i => { });");
        Assert.Equal(expected, constructs.DegreeOf(loops.Single(), locals: null).ToString());
    }

    [Theory]
    [InlineData("Parallel.For(0, n, p, i => Parallel.For(0, n, p, j => { }));", "p")]
    [InlineData("Parallel.For(0, n, f, i => Parallel.For(0, n, this.f, j => { }));", "f")]
    [InlineData("Parallel.For(0, n, P, i => Parallel.For(0, n, P, j => { }));", "P")]
    [InlineData("var l = p; Parallel.For(0, n, l, i => Parallel.For(0, n, l, j => { }));", "l")]
    [InlineData("Parallel.For(0, n, B, i => Parallel.For(0, n, B, j => { }));", "B")]
    [InlineData("Parallel.For(0, n, B, i => { f = q; Parallel.For(0, n, B, j => { }); });", null)]
    [InlineData("Parallel.For(0, n, N, i => Parallel.For(0, n, N, j => { }));", null)]
    [InlineData("Parallel.For(0, n, p, i => Parallel.For(0, n, q, j => { }));", null)]
    [InlineData("Parallel.For(0, n, f, i => Parallel.For(0, n, other.f, j => { }));", null)]
    [InlineData("Parallel.For(0, n, p, i => { p = q; Parallel.For(0, n, p, j => { }); });", null)]
    [InlineData("Parallel.For(0, n, f, i => { f.MaxDegreeOfParallelism = 1; Parallel.For(0, n, f, j => { }); });", null)]
    [InlineData("Parallel.For(0, n, p, i => { (p, q) = (q, p); Parallel.For(0, n, p, j => { }); });", null)]
    public void The_variable_shared_by_two_levels(string body, string? expected)
    {
        var (constructs, loops) = Loops("ParallelOptions f = new(); ParallelOptions P { get; set; } = new(); ParallelOptions B { get { return f; } } ParallelOptions N => new(); C other;", body, "ParallelOptions p, ParallelOptions q");
        var outer = loops[0];
        var outerBody = outer.Operation.Descendants().OfType<IAnonymousFunctionOperation>().First();
        Assert.Equal(expected, constructs.Flow.SharedOptions(outer, loops[1], outerBody)?.Name);
    }

    [Fact]
    public void Half_typed_members_leave_the_degree_unknown()
    {
        var (constructs, loops) = Loops("private ParallelOptions o = new(); void Broken() { o = ; o.Undefined(; Missing(o }", "Parallel.For(0, n, o, i => { });", allowErrors: true);
        Assert.Equal(Degree.Unknown, constructs.DegreeOf(loops.Single(), locals: null));
    }

    [Fact]
    public void A_holder_is_gathered_once_per_compilation()
    {
        var (constructs, loops) = Loops("private readonly ParallelOptions o = new();", "Parallel.For(0, n, o, i => { }); Parallel.For(0, n, o, i => { });");
        var flow = DegreeFlow.Of(constructs.Types.Compilation);
        Assert.Same(flow, constructs.Flow);
        Assert.All(loops, loop => Assert.Equal(Degree.Unbounded, constructs.DegreeOf(loop, locals: null)));
    }

    /// <summary>The constructs of <c>C.M</c>, in the order of the text.</summary>
    private static (ParallelConstructs Constructs, List<ParallelConstruct> Loops) Loops(
        string members, string body, string parameters = "ParallelOptions p", bool allowErrors = false)
    {
        var source = TestSources.Usings + $$"""
            class C
            {
                {{members}}

                void M(int n, {{parameters}})
                {
                    {{body}}
                }
            }
            """;
        var tree = CSharpSyntaxTree.ParseText(source);
        var compilation = TestReferences.Compile("Flow", new[] { tree });
        if (!allowErrors)
        {
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        var model = compilation.GetSemanticModel(tree);
        var constructs = new ParallelConstructs(KnownTypes.Of(compilation));
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == "M");
        var loops = method.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Select(call => model.GetOperation(call) is { } operation ? constructs.Recognize(operation) : null)
            .OfType<ParallelConstruct>()
            .ToList();
        return (constructs, loops);
    }
}
