using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Demo;

/// <summary>
/// One line that follows a run: data sent, jobs queued/running/done, slots used. Rewritten in place on a terminal;
/// printed once at the end when the output is a file or a CI log; silent for the warm-up.
/// </summary>
internal sealed class LiveProgress(int workers, bool quiet) : IProgress<JobStatus>
{
    private readonly object gate = new();
    private int sent;
    private JobStatus? last;
    private int peakRunning;
    private int width;

    public void Sent(int count)
    {
        lock (gate)
        {
            sent = count;
            Render();
        }
    }

    public void Report(JobStatus status)
    {
        lock (gate)
        {
            last = status;
            peakRunning = Math.Max(peakRunning, status.Running);
            Render();
        }
    }

    /// <summary>Ends the line: the final counts, and the most workers seen running at once.</summary>
    public void Finish()
    {
        lock (gate)
        {
            if (quiet)
            {
                return;
            }

            var line = $"{Line()}, at most {peakRunning} running at once";
            Console.WriteLine(Console.IsOutputRedirected ? line : "\r" + line.PadRight(width));
        }
    }

    private void Render()
    {
        if (quiet || Console.IsOutputRedirected)
        {
            return;
        }

        var line = Line();
        Console.Write("\r" + line.PadRight(width));
        width = Math.Max(width, line.Length);
    }

    private string Line()
    {
        var done = last?.Ended ?? 0;
        var slots = last?.SlotsTotal is int total ? $"{last.SlotsUsed ?? 0}/{total}" : "?";
        return $"    {workers} worker(s): data sent {sent}/{workers}, queued {last?.Queued ?? 0}, running {last?.Running ?? 0}, done {done}, slots used {slots}";
    }
}
