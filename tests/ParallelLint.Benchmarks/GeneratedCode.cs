using System.Text;

namespace ParallelLint.Benchmarks;

/// <summary>
/// A generated code base rich in what ParallelLint looks at: per file, a call chain 25 levels deep that ends in
/// a parallel loop, a hub method that every file calls (wide fan-in), parallel loops whose bodies call the chains,
/// and ordinary code (loops, branches, LINQ) around them. About 1,000 lines per file.
/// </summary>
public static class GeneratedCode
{
    public const int LinesPerFile = 1000;

    public static IReadOnlyList<string> Files(int lines)
    {
        var files = new List<string>();
        for (var file = 0; file < lines / LinesPerFile; file++)
        {
            files.Add(File(file));
        }

        return files;
    }

    private static string File(int index)
    {
        var code = new StringBuilder();
        code.AppendLine("using System; using System.Collections.Generic; using System.Linq; using System.Threading.Tasks;");
        code.AppendLine($"namespace Generated{index % 10};");
        code.AppendLine($"public static class Model{index}");
        code.AppendLine("{");
        var lines = 5;

        // The chain: Level0 -> Level1 -> ... -> Level24 -> Parallel.For, and every level calls the shared hub.
        for (var level = 0; level < 25; level++)
        {
            code.AppendLine($"    public static double Level{level}(double[] data)");
            code.AppendLine("    {");
            code.AppendLine($"        var scale = Hub.Scale(data.Length) + {level};");
            code.AppendLine(level < 24
                ? $"        return Level{level + 1}(data) * scale;"
                : "        Parallel.For(0, data.Length, i => data[i] = Math.Sqrt(Math.Abs(data[i]) * scale));\n        return data.Sum();");
            code.AppendLine("    }");
            lines += 6;
        }

        // Parallel loops whose bodies reach the chain (PL1002) and one direct nesting (PL1001).
        code.AppendLine("    public static void Run(double[][] models)");
        code.AppendLine("    {");
        code.AppendLine("        Parallel.ForEach(models, m => Level0(m));");
        code.AppendLine("        Parallel.For(0, models.Length, i => Parallel.For(0, models[i].Length, j => models[i][j] += 1));");
        code.AppendLine("        var sums = models.AsParallel().Select(m => m.Sum()).ToArray();");
        code.AppendLine("    }");
        lines += 6;

        // Ordinary code: the bulk of any real code base.
        for (var method = 0; lines < LinesPerFile - 12; method++)
        {
            code.AppendLine($"    public static int Work{method}(List<int> values, int limit)");
            code.AppendLine("    {");
            code.AppendLine("        var total = 0;");
            code.AppendLine("        foreach (var value in values)");
            code.AppendLine("        {");
            code.AppendLine("            if (value > limit) { total += value % 7; } else { total -= value / 3; }");
            code.AppendLine("        }");
            code.AppendLine("        var evens = values.Where(v => v % 2 == 0).Select(v => v * limit).ToList();");
            code.AppendLine($"        return total + evens.Count + Hub.Scale({method});");
            code.AppendLine("    }");
            lines += 10;
        }

        code.AppendLine("}");
        if (index == 0)
        {
            code.AppendLine("public static class Hub { public static int Scale(int n) => n % 5 + 1; }");
        }

        return code.ToString();
    }
}
