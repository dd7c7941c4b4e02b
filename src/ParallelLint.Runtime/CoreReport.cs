using System.Text;

namespace ParallelLint.Runtime;

/// <summary>One place core detection looked: what it found there, and whether that limited the cores.</summary>
public sealed class CoreSource
{
    internal CoreSource(string name, string? raw, int? cores, bool limits, string note)
    {
        Name = name;
        Raw = raw;
        Cores = cores;
        IsLimiting = limits;
        Note = note;
    }

    /// <summary>The source, for example <c>NSLOTS</c> or <c>cgroup v2 cpu.max (/sys/fs/cgroup/a)</c>.</summary>
    public string Name { get; }

    /// <summary>The text found there, as it was; null when the source was absent.</summary>
    public string? Raw { get; }

    /// <summary>The cores the source stands for, when its value was valid.</summary>
    public int? Cores { get; }

    /// <summary>True when the value takes part in <see cref="CoreReport.Available"/>.</summary>
    public bool IsLimiting { get; }

    /// <summary>Why the value was used or ignored.</summary>
    public string Note { get; }
}

/// <summary>What <see cref="Cores.Detect"/> found: the result and every source behind it.</summary>
public sealed class CoreReport
{
    internal CoreReport(int available, int logical, int physical, string decidedBy, IReadOnlyList<CoreSource> sources)
    {
        Available = available;
        Logical = logical;
        Physical = physical;
        DecidedBy = decidedBy;
        Sources = sources;
    }

    /// <summary>The cores work started now may use: the override, or the smallest limit found; at least 1.</summary>
    public int Available { get; }

    /// <summary>The processors this process may run on (its affinity mask).</summary>
    public int Logical { get; }

    /// <summary>The physical cores among <see cref="Logical"/>: hyper-threads of one core count once.</summary>
    public int Physical { get; }

    /// <summary>The source that decided <see cref="Available"/>.</summary>
    public string DecidedBy { get; }

    /// <summary>Every source consulted, in the order they were read.</summary>
    public IReadOnlyList<CoreSource> Sources { get; }

    /// <summary>A table of every source, like <c>parallelly::availableCores(which = "all")</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder()
            .AppendLine($"available {Available} (decided by {DecidedBy}), logical {Logical}, physical {Physical}");
        var width = Sources.Select(s => s.Name.Length).DefaultIfEmpty(6).Max();
        foreach (var source in Sources)
        {
            var state = source.IsLimiting ? "limits"
                : source.Raw is null ? "absent"
                : source.Note.StartsWith("ignored", System.StringComparison.Ordinal) ? "ignored"
                : "reported";
            var cores = source.Cores?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
            text.AppendLine($"  {source.Name.PadRight(width)}  {cores,5}  {state,-8}  {Quote(source.Raw)}  {source.Note}");
        }

        return text.ToString();
    }

    private static string Quote(string? raw) => raw is null ? "" : "\"" + raw.Trim() + "\"";
}
