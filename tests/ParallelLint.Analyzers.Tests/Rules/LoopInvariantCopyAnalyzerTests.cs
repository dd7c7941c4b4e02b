using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Tests.Verifiers;
using VerifyPL3002 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.LoopInvariantCopyAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class LoopInvariantCopyAnalyzerTests
{
    private static Task Verify(string members) => VerifyPL3002.Analyzer(Code(members));

    [Fact]
    public Task The_message_names_the_copy_and_the_data() => VerifyPL3002.Analyzer(
        Code("""
            void Run(List<double> data, int[] items)
            {
                foreach (var item in items)
                {
                    var copy = data.{|#0:ToArray|}();
                    Use(copy.Length + item);
                }
            }
            """),
        expected: VerifyPL3002.Diagnostic("PL3002").WithLocation(0).WithArguments("ToArray", "data"));

    [Fact]
    public Task Every_copy_kind_over_invariant_data_is_reported() => Verify("""
        void Run(List<double> data, double[] weights, Dictionary<string, int> map, Queue<int> queue, Settings settings, string[] names, int n)
        {
            for (var i = 0; i < n; i++)
            {
                var a = data.{|PL3002:ToArray|}();
                var b = weights.{|PL3002:ToList|}();
                var c = names.{|PL3002:ToHashSet|}();
                var d = names.{|PL3002:ToDictionary|}(name => name, name => name.Length);
                var e = names.{|PL3002:ToLookup|}(name => name.Length);
                var f = {|PL3002:new List<double>|}(weights);
                var g = {|PL3002:new HashSet<string>|}(names, StringComparer.Ordinal);
                var h = {|PL3002:new Dictionary<string, int>|}(map);
                var j = {|PL3002:new Queue<int>|}(queue);
                var k = {|PL3002:new Stack<int>|}(queue);
                var l = (double[])weights.{|PL3002:Clone|}();
                var m = {|PL3002:JsonSerializer.Serialize|}(settings);
                var o = {|PL3002:JsonSerializer.SerializeToUtf8Bytes|}(settings);
                var p = {|PL3002:string.Join|}(",", names);
                var q = {|PL3002:string.Concat|}(names);
                var r = data.{|PL3002:ToArray|}().Sum();
                Use(a.Length + b.Count + c.Count + d.Count + e.Count + f.Count + g.Count + h.Count + j.Count + k.Count + l[0] + m.Length + o.Length + p.Length + q.Length + r);
            }
        }
        """);

    [Fact]
    public Task A_static_call_with_named_arguments_in_another_order_copies_its_source() => VerifyPL3002.Analyzer(
        Code("""
            void Run(string[] names, int[] items)
            {
                foreach (var item in items)
                {
                    var lengths = Enumerable.{|#0:ToDictionary|}(keySelector: (string name) => name, source: names);
                    Use(lengths.Count + item);
                }
            }
            """),
        expected: VerifyPL3002.Diagnostic("PL3002").WithLocation(0).WithArguments("ToDictionary", "names"));

    [Fact]
    public Task Every_per_item_body_kind_is_reported() => Verify("""
        void Run(List<double> data, Settings settings, string[] names, int[] items, int n)
        {
            foreach (var item in items)
            {
                Use(data.{|PL3002:ToArray|}().Length + item);
            }

            var i = 0;
            while (i < n)
            {
                Use({|PL3002:JsonSerializer.Serialize|}(settings).Length);
                i++;
            }

            do
            {
                Use({|PL3002:string.Join|}(";", names).Length);
            }
            while (--i > 0);

            var lengths = items.Select(x => data.{|PL3002:ToList|}().Count + x).ToArray();
            items.ToList().ForEach(x => Use({|PL3002:new HashSet<string>|}(names).Count + x));
            var results = new int[n];
            Parallel.For(0, n, k => results[k] = {|PL3002:JsonSerializer.Serialize|}(settings).Length);
            Parallel.ForEach(items, x =>
            {
                var known = {|PL3002:new HashSet<string>|}(names);
                Use(known.Contains(x.ToString()) ? 1 : 0);
            });
            var joined = items.AsParallel().Select(x => {|PL3002:string.Join|}(",", names) + x).ToArray();
        }
        """);

    [Fact]
    public Task Lambdas_inside_a_per_item_body_belong_to_it() => Verify("""
        async Task Run(Settings settings, int[] items)
        {
            var tasks = new List<Task<int>>();
            foreach (var item in items)
            {
                // Task.Run per item: the copy runs once per item of the loop.
                tasks.Add(Task.Run(() => {|PL3002:JsonSerializer.Serialize|}(settings).Length + item));
                Log(() => {|PL3002:JsonSerializer.Serialize|}(settings));
            }

            await Task.WhenAll(tasks);
        }
        static void Log(Func<string> message) { }
        """);

    [Fact]
    public Task Readonly_fields_pure_LINQ_and_read_only_arguments_are_invariant() => Verify("""
        private readonly List<double> samples = new();
        private const string Separator = ",";
        void Run(int[] items, double threshold)
        {
            foreach (var item in items)
            {
                var high = samples.Where(s => s > threshold).{|PL3002:ToArray|}();
                var all = this.samples.{|PL3002:ToList|}();
                var text = {|PL3002:string.Join|}(Separator, samples.Select(s => s.ToString()));
                Use(Mean(high) + Mean(all) + text.Length + item);
            }
        }
        static double Mean(IReadOnlyList<double> values) => values.Average();
        """);

    [Fact]
    public Task Copies_nested_in_another_copy_are_reported_once() => Verify("""
        void Run(List<int> ids, int[] items)
        {
            foreach (var item in items)
            {
                Use({|PL3002:string.Join|}(",", ids.ToList()).Length + item);
            }
        }
        """);

    [Fact]
    public Task Copies_that_depend_on_the_item_are_not_reported() => Verify("""
        void Run(List<double> data, List<double>[] lists, int[] items)
        {
            foreach (var item in items)
            {
                var above = data.Where(d => d > item).ToList();
                var own = lists[item].ToArray();
                var local = new List<double> { item };
                var again = local.ToArray();
                Use(above.Count + own.Length + again.Length);
            }

            Parallel.ForEach(items, item => Use(data.Select(d => d * item).ToArray().Sum()));
        }
        """);

    [Fact]
    public Task Copies_the_body_changes_are_resamples_not_findings() => Verify("""
        void Run(List<double> data, double[] weights, int[] items, Random rng)
        {
            foreach (var item in items)
            {
                var shuffled = data.ToArray();
                Shuffle(shuffled, rng);
                var sorted = weights.ToArray();
                Array.Sort(sorted);
                var written = weights.ToArray();
                written[0] = item;
                var list = new List<double>(data);
                list.Add(item);
                var ordered = data.ToList();
                ordered.Sort();
                var byRef = data.ToArray();
                Swap(ref byRef[0], ref byRef[1]);
                Fit(data.ToArray());
                var kept = weights.ToList();
                store = kept;
                Use(shuffled[0] + sorted[0] + written[0] + list.Count + ordered[0] + byRef[0]);
            }
        }
        List<double> store = new();
        static void Shuffle(double[] values, Random rng) { }
        static void Fit(double[] values) { }
        static void Swap(ref double a, ref double b) { }
        """);

    [Fact]
    public Task Data_that_changes_in_the_loop_is_not_invariant() => Verify("""
        void Run(List<double> data, double[] weights, Queue<int> queue, Settings settings, int[] items)
        {
            foreach (var item in items)
            {
                data.Add(item);
                var snapshot = data.ToArray();
                Use(snapshot.Length);
            }

            foreach (var item in items)
            {
                weights = Next(weights);
                Use(weights.ToList().Count);
            }

            foreach (var item in items)
            {
                settings.Seed = item;
                Use(JsonSerializer.Serialize(settings).Length);
            }

            while (queue.Count > 0)
            {
                var pending = queue.ToArray();
                queue.Dequeue();
                Use(pending.Length);
            }

            foreach (var item in items)
            {
                Normalize(weights);
                Use(weights.ToArray().Length);
            }

            foreach (var item in items)
            {
                Refill(ref weights);
                Use(weights.ToArray().Length);
            }
        }
        static double[] Next(double[] values) => values;
        static void Normalize(double[] values) { }
        static void Refill(ref double[] values) { }
        """);

    [Fact]
    public Task Data_changed_by_a_lambda_or_through_the_item_is_not_invariant() => Verify("""
        void Run(List<double> data, List<Job> jobs, int[] items)
        {
            Action refill = () => data.Add(1);
            foreach (var item in items)
            {
                refill();
                Use(data.ToArray().Length);
            }

            foreach (var job in jobs)
            {
                job.Done = true;
                Use(JsonSerializer.Serialize(jobs).Length);
            }

            foreach (var job in jobs)
            {
                Finish(job);
                Use(jobs.Select(j => j.Name).ToArray().Length);
            }
        }
        static void Finish(Job job) => job.Done = true;
        class Job { public bool Done { get; set; } public string Name { get; } = ""; }
        """);

    [Fact]
    public Task Copies_that_run_once_or_outside_per_item_bodies_are_not_reported() => Verify("""
        string Run(List<double> data, Settings settings, int[] items, int target)
        {
            string found = "";
            foreach (var item in items)
            {
                if (item == target)
                {
                    found = JsonSerializer.Serialize(settings);
                    break;
                }
            }

            foreach (var item in items)
            {
                if (item < 0)
                {
                    throw new InvalidOperationException(JsonSerializer.Serialize(settings));
                }

                if (item == target)
                {
                    return string.Join(",", data);
                }
            }

            Parallel.Invoke(() => Use(data.ToArray().Length), () => Use(data.ToList().Count));
            var once = data.ToArray();
            var lists = items.Select(x => data.ToList()).ToList();
            return found + once.Length + lists.Count;
        }
        """);

    [Fact]
    public Task Local_functions_called_only_per_item_are_per_item_bodies() => Verify("""
        void Run(List<double> data, int[] items)
        {
            foreach (var item in items)
            {
                Use(Snapshot());
                int Snapshot() => data.{|PL3002:ToArray|}().Length;
            }

            foreach (var item in items)
            {
                Use(Measure(item));
            }

            // Called once as well: not per item.
            Use(Once());
            foreach (var item in items)
            {
                Use(Once());
            }

            // Its caller changes the data.
            foreach (var item in items)
            {
                data.Add(item);
                Use(Changed());
            }

            double Measure(int item) => data.{|PL3002:ToList|}().Count + item;
            int Once() => data.ToArray().Length;
            int Changed() => data.ToArray().Length;
        }
        """);

    [Fact]
    public Task Ordinary_loops_over_messages_and_in_helpers_are_per_item_bodies() => Verify("""
        void Receive(Queue<string> inbox, Settings settings, List<int> ids)
        {
            string? message;
            while ((message = inbox.Count > 0 ? inbox.Dequeue() : null) != null)
            {
                Use({|PL3002:JsonSerializer.Serialize|}(settings).Length + message.Length);
            }

            foreach (var id in ids.ToArray())
            {
                Use(ids.{|PL3002:ToList|}().Count + id);
            }
        }
        """);

    [Fact]
    public Task Serializers_of_the_catalogue_and_a_types_own_serializer_are_copies() => VerifyPL3002.Analyzer(
        Code("""
            void Run(Settings settings, Model model, int[] items)
            {
                foreach (var item in items)
                {
                    Use({|PL3002:Newtonsoft.Json.JsonConvert.SerializeObject|}(settings).Length + item);
                    Use({|PL3002:MessagePack.MessagePackSerializer.Serialize|}(settings).Length);
                    Use(model.{|PL3002:ToJson|}().Length);
                    Use({|PL3002:ModelWriter.Serialize|}(model).Length);
                }
            }
            """) + SerializerStubs);

    [Fact]
    public Task Data_a_call_in_the_body_may_change_is_not_invariant() => Verify("""
        void Run(HashSet<int> ids, Counter counter, int[] items)
        {
            foreach (var item in items)
            {
                ids.UnionWith(new[] { item });
                Use(string.Join(",", ids).Length);
            }

            foreach (var item in items)
            {
                counter.Bump();
                Use(JsonSerializer.Serialize(counter).Length);
            }
        }
        class Counter { public int Count { get; private set; } public void Bump() => Count++; }
        """);

    [Fact]
    public Task Data_handed_to_methods_here_that_only_read_it_is_invariant() => Verify("""
        void Run(List<Node> nodes, List<Node> ordering, Graph graph, int n)
        {
            for (var i = 0; i < n; i++)
            {
                // Score → Count → IndexOf of this compilation only read nodes.
                var candidates = new List<Node>();
                candidates.CopyTo(nodes.{|PL3002:ToArray|}(), 0);
                candidates.Add(ordering[i]);
                Use(Score(nodes, candidates) + graph.Count(nodes));
            }
        }
        static double Score(List<Node> nodes, List<Node> candidates) => Count(nodes) + candidates.Count;
        static int Count(List<Node> nodes) => nodes.Count + IndexOf(nodes, null);
        static int IndexOf(List<Node> nodes, Node? node)
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                if (nodes[i] == node) return i;
            }

            return -1;
        }
        class Node { }
        class Graph { public int Count(List<Node> nodes) => nodes.Count; }
        """);

    [Fact]
    public Task Data_that_a_method_here_may_change_keep_or_not_read_is_not_invariant() => Verify("""
        List<Node> kept = new();
        void Run(List<Node> grown, List<Node> deep, List<Node> stored, List<Node> virtualArgument, List<Node> unread, List<Node> tooDeep, Graph graph, int n)
        {
            for (var i = 0; i < n; i++)
            {
                Grow(grown);
                Use(grown.ToArray().Length);
                Use(Outer(deep) + deep.ToArray().Length);
                Keep(stored);
                Use(stored.ToArray().Length);
                Use(graph.Visit(virtualArgument) + virtualArgument.ToArray().Length);
                Ignore(unread);
                Use(unread.ToArray().Length);
                Use(Depth1(tooDeep) + tooDeep.ToArray().Length);
            }

            foreach (var node in grown)
            {
                // The destination is read after the copy into it: each item needs its own.
                var buffer = unread.ToArray();
                grown.CopyTo(buffer, 0);
                Use(buffer.Length);
            }
        }
        static void Grow(List<Node> nodes) => nodes.Add(new Node());
        static int Outer(List<Node> nodes) => Inner(nodes);
        static int Inner(List<Node> nodes) { nodes.Clear(); return 0; }
        void Keep(List<Node> nodes) => kept = nodes;
        static void Ignore(List<Node> nodes) { }
        static int Depth1(List<Node> nodes) => Depth2(nodes);
        static int Depth2(List<Node> nodes) => Depth3(nodes);
        static int Depth3(List<Node> nodes) => Depth4(nodes);
        static int Depth4(List<Node> nodes) => nodes.Count;
        class Node { }
        class Graph { public virtual int Visit(List<Node> nodes) => nodes.Count; }
        """);

    [Fact]
    public Task Data_that_may_change_elsewhere_or_be_lazy_is_not_invariant() => Verify("""
        private List<double> mutable = new();
        private readonly List<double> samples = new();
        void Run(IEnumerable<double> draws, ConcurrentBag<int> bag, Config config, int[] items)
        {
            foreach (var item in items)
            {
                Use(draws.ToArray().Length);
                Use(bag.ToArray().Length);
                Use(mutable.ToArray().Length);
                Use(config.Items.ToArray().Length);
                Use(string.Join(",", "a", "b").Length);
            }

            foreach (var item in items)
            {
                Step();
                Use(samples.ToArray().Length);
            }

            var alias = config.Items;
            foreach (var item in items)
            {
                Use(alias.ToArray().Length);
            }
        }
        void Step() => samples.Add(1);
        class Config { public List<double> Items { get; } = new(); }
        """);

    [Fact]
    public Task Half_typed_code_with_copies_analyzes_without_an_exception()
    {
        const string Source = TestSources.Usings + """
            using System.Text.Json;
            class C
            {
                readonly List<double> samples = new();
                void M(List<double> data, object settings, int[] items, int n)
                {
                    foreach (var item in items)
                    {
                        var a = data.Where(d => d > n).ToArray(); var b = new List<double>(samples); var c = (double[])a.Clone();
                        var s = JsonSerializer.Serialize(settings) + string.Join(",", data) + string.Concat(items);
                        Parallel.For(0, n, i => { var x = data.ToHashSet(); Use(x.Count + b.Count + c.Length + s.Length); });
                    }
                }
                static void Use(double x) { }
            }
            """;
        var variants = Enumerable.Range(1, Source.Length / 5).Select(i => Source[..(i * 5)])
            .Concat(CSharpSyntaxTree.ParseText(Source).GetRoot().DescendantTokens().Select(t => Source.Remove(t.SpanStart, t.Span.Length)));
        return AssertNoAnalyzerExceptions(variants);
    }

    private static async Task AssertNoAnalyzerExceptions(System.Collections.Generic.IEnumerable<string> variants)
    {
        var exceptions = new ConcurrentBag<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => exceptions.Add(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        foreach (var variant in variants)
        {
            var compilation = TestReferences.Compile("HalfTyped", new[] { CSharpSyntaxTree.ParseText(variant) });
            var diagnostics = await compilation
                .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LoopInvariantCopyAnalyzer()), options)
                .GetAnalyzerDiagnosticsAsync();
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        }

        Assert.Empty(exceptions);
    }

    /// <summary>Stand-ins for Newtonsoft.Json, MessagePack and a user's own serializers (matched by metadata name and shape).</summary>
    internal const string SerializerStubs = """

        namespace Newtonsoft.Json { public static class JsonConvert { public static string SerializeObject(object? value) => ""; } }
        namespace MessagePack { public static class MessagePackSerializer { public static byte[] Serialize<T>(T value) => new byte[0]; } }
        namespace ProtoBuf { public static class Serializer { public static void Serialize<T>(System.IO.Stream destination, T instance) { } } }
        class Model { public double[] Values { get; } = new double[0]; public string ToJson() => ""; }
        static class ModelWriter { public static string Serialize(Model model) => ""; }
        """;

    internal static string Code(string members) => TestSources.Usings + $$"""
        using System.Collections.Concurrent;
        using System.Text.Json;

        partial class C
        {
            {{System.Text.RegularExpressions.Regex.Replace(members, "\n(?=[^\n])", "\n    ")}}
            static void Use(double value) { }
        }

        class Settings
        {
            public int Seed { get; set; }
            public double[] Weights { get; set; } = Array.Empty<double>();
        }
        """;
}
