using System.Text.Json;
using System.Text.RegularExpressions;

namespace ParallelLint.Runtime.Tests.Prometheus;

/// <summary>Every query of eng/grafana/parallellint-dashboard.json names series the exporter really serves after a real run.</summary>
public sealed class DashboardTests
{
    private static readonly HashSet<string> PromQlWords = new(StringComparer.Ordinal)
    {
        "sum", "max", "min", "avg", "count", "rate", "increase", "irate", "histogram_quantile", "max_over_time", "by", "without", "on", "ignoring", "and", "or", "unless",
    };

    [Fact]
    public async Task Every_dashboard_query_names_a_series_the_exporter_serves()
    {
        using var target = new ScrapeTarget();
        target.RunWorkload();
        var exposition = await target.MetricsAsync();
        var served = exposition.Split('\n').Where(line => line.Length > 0 && line[0] != '#').Select(line => Regex.Match(line, "^[a-zA-Z_:][a-zA-Z0-9_:]*").Value).ToHashSet();
        var labels = Regex.Matches(exposition, "[{,]([a-zA-Z_][a-zA-Z0-9_]*)=\"").Select(match => match.Groups[1].Value).ToHashSet();

        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "eng", "grafana", "parallellint-dashboard.json")));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Select(target => target.GetProperty("expr").GetString()!)
            .ToList();
        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            var (metrics, labelsUsed) = Names(query);
            Assert.True(metrics.Count > 0, $"'{query}' names no series");
            Assert.All(metrics, metric => Assert.True(served.Contains(metric), $"'{query}' names {metric}, which the exporter does not serve: {string.Join(", ", served.Order())}"));
            Assert.All(labelsUsed, label => Assert.True(label == "le" || labels.Contains(label), $"'{query}' names label {label}, which no served series has"));
        }
    }

    [Fact]
    public void The_query_parser_tells_series_from_functions_labels_and_ranges()
    {
        var (metrics, labels) = Names("histogram_quantile(0.5, sum by (le, a_b) (rate(x_bucket{c=\"d\"}[$__rate_interval]))) / y");

        Assert.Equal(new[] { "x_bucket", "y" }, metrics);
        Assert.Equal(new[] { "a_b", "c", "le" }, labels.Order());
    }

    /// <summary>The series and the labels a PromQL query names: what is left once strings, ranges, matchers, groupings and functions are taken out.</summary>
    private static (List<string> Metrics, List<string> Labels) Names(string query)
    {
        var labels = new List<string>();
        var bare = Regex.Replace(query, "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        bare = Regex.Replace(bare, @"\[[^\]]*\]", " ");
        bare = Regex.Replace(bare, @"\{([^}]*)\}", match =>
        {
            labels.AddRange(Regex.Matches(match.Groups[1].Value, @"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)").Select(label => label.Groups[1].Value));
            return " ";
        });
        bare = Regex.Replace(bare, @"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)", match =>
        {
            labels.AddRange(match.Groups[1].Value.Split(',').Select(label => label.Trim()).Where(label => label.Length > 0));
            return " ";
        });
        var metrics = Regex.Matches(bare, @"(?<![\w.])(?>[a-zA-Z_:][a-zA-Z0-9_:]*)(?!\s*\()")
            .Select(match => match.Value)
            .Where(word => !PromQlWords.Contains(word))
            .ToList();
        return (metrics, labels);
    }
}
