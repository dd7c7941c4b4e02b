using System.Globalization;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>The rules' numeric options from <c>.editorconfig</c> / <c>.globalconfig</c>; a malformed value means the default.</summary>
internal static class RuleOptions
{
    public const string MaxConstantDegreeKey = "parallellint.max_constant_degree";

    /// <summary>"Start small": the largest constant degree (or worker count) that is not a finding. Default 4.</summary>
    public static int MaxConstantDegree(AnalyzerOptions options, SyntaxTree tree) =>
        options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(MaxConstantDegreeKey, out var value) &&
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var degree) && degree >= 1
            ? degree
            : 4;
}
