using System.Globalization;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>The rules' numeric options from <c>.editorconfig</c> / <c>.globalconfig</c>; a malformed value means the default.</summary>
internal static class RuleOptions
{
    public const string MaxConstantDegreeKey = "parallellint.max_constant_degree";

    public const string PathFlagSuffixKey = "parallellint.path_flag_suffix";

    /// <summary>"Start small": the largest constant degree (or worker count) that is not a finding. Default 4.</summary>
    public static int MaxConstantDegree(AnalyzerOptions options, SyntaxTree tree) =>
        options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(MaxConstantDegreeKey, out var value) &&
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var degree) && degree >= 1
            ? degree
            : 4;

    /// <summary>
    /// What PL3003's fix appends to a flag that carried data once it carries a path (<c>--data</c> → <c>--data-file</c>).
    /// Default <c>-file</c>; a value with characters a flag does not hold means the default.
    /// </summary>
    public static string PathFlagSuffix(AnalyzerOptions options, SyntaxTree tree) =>
        options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(PathFlagSuffixKey, out var value) &&
        value.Length > 0 && value.All(c => c is '-' or '_' or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9'))
            ? value
            : "-file";
}
