using System.Diagnostics;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Samples;

/// <summary>PL3001: a command-line model fit (NONMEM's nmfe, gzip...) started once per item, all at once.</summary>
public static class ProcessPerItem
{
    /// <summary>Every control stream fitted inside a parallel body: a pool thread blocked per running fit.</summary>
    public static List<string> FitInParallel(string[] controlStreams)
    {
        var failed = new List<string>();
        Parallel.ForEach(controlStreams, model => // ❌ PL2002: unbounded, and every body waits on a process
        {
            using var fit = Process.Start("nmfe", new[] { model, Path.ChangeExtension(model, ".lst") })!; // ❌ PL3001
            fit.WaitForExit();
            if (fit.ExitCode != 0)
            {
                lock (failed) failed.Add(model);
            }
        });
        return failed;
    }

    /// <summary>Every archive compressed at once: a hundred files, a hundred processes.</summary>
    public static void CompressAll(string[] files)
    {
        var running = files.Select(file => Process.Start("gzip", new[] { "-k", file })!).ToList(); // ❌ PL3001
        foreach (var gzip in running)
        {
            gzip.WaitForExit();
        }
    }

    /// <summary>The same fits through the job executor: one per free core, the rest queued, every exit code kept.</summary>
    public static async Task<List<string>> FitThroughTheExecutor(string[] controlStreams) // ✅
    {
        var failed = new List<string>();
        await JobExecutor.Shared.ForEachAsync(
            controlStreams,
            model => new Job("nmfe", model, Path.ChangeExtension(model, ".lst")),
            (model, fit) =>
            {
                if (fit.ExitCode != 0)
                {
                    failed.Add(model);
                }
            });
        return failed;
    }

    /// <summary>A sequential start-and-wait loop and two long-lived workers are not findings.</summary>
    public static void OneAtATime(string[] files) // ✅
    {
        foreach (var file in files)
        {
            using var gzip = Process.Start("gzip", new[] { "-k", file })!;
            gzip.WaitForExit();
        }

        var workers = Enumerable.Range(0, 2).Select(i => Process.Start("worker", i.ToString())!).ToList();
        workers.ForEach(worker => worker.WaitForExit());
    }
}
