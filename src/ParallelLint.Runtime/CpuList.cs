using System.Globalization;

namespace ParallelLint.Runtime;

/// <summary>The kernel's CPU list format: <c>0-3,8,10-11</c>.</summary>
internal static class CpuList
{
    /// <summary>The CPUs listed, or null when the text is not a CPU list.</summary>
    public static SortedSet<int>? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var cpus = new SortedSet<int>();
        foreach (var part in text!.Trim().Split(','))
        {
            var bounds = part.Split('-');
            if (bounds.Length is < 1 or > 2 ||
                !int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first) ||
                !int.TryParse(bounds[bounds.Length - 1], NumberStyles.None, CultureInfo.InvariantCulture, out var last) ||
                last < first || last - first > 65536)
            {
                return null;
            }

            for (var cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        return cpus;
    }
}
