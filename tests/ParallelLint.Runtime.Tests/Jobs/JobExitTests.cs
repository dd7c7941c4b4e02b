using System.Diagnostics;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Runtime.Tests.Jobs;

/// <summary>
/// A real program (samples/ParallelLint.JobRun) ended mid-run by SIGTERM, Ctrl+C's SIGINT or its own early
/// Environment.Exit leaves none of its jobs queued or running: not in the grid's queue, not as a process here.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JobExitTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("parallellint-jobexit-").FullName;

    public static TheoryData<string, string> Endings => new()
    {
        { "local", "SIGTERM" }, { "local", "SIGINT" }, { "local", "exit" },
        { "sge", "SIGTERM" }, { "sge", "exit" },
        { "slurm", "SIGTERM" }, { "slurm", "exit" },
    };

    public void Dispose() => Backends.Delete(scratch);

    [SkippableTheory]
    [MemberData(nameof(Endings))]
    public async Task A_program_ended_mid_run_leaves_none_of_its_jobs_queued_or_running(string backend, string ending)
    {
        Backends.Require(backend);
        var name = JobFitTests.UniqueName();
        var pids = Path.Combine(scratch, "pids");
        var arguments = new List<string> { "--backend", backend, "--jobs", "3", "--name", name, "--work-dir", Path.Combine(scratch, "work") };
        if (ending == "exit")
        {
            arguments.AddRange(new[] { "--exit-after-start", "1" });
        }

        // Three long jobs on two slots: up to two run (each notes its pid, then becomes sleep), the rest wait queued.
        arguments.AddRange(new[] { "--", "sh", "-c", "echo $$ >> \"$1\"; exec sleep 300", "sh", pids });
        using var parent = JobRunProgram.Start(arguments.ToArray());
        var program = parent.Process;
        try
        {
            await JobRunProgram.WaitFor(() => Pids(pids).Count > 0, TimeSpan.FromSeconds(90), () => $"no job started: {parent.Output}");
            if (ending != "exit")
            {
                Assert.Equal(0, JobRunProgram.Kill(program.Id, ending == "SIGTERM" ? JobRunProgram.SigTerm : JobRunProgram.SigInt));
            }

            Assert.True(program.WaitForExit(TimeSpan.FromSeconds(60)), $"the program did not end: {parent.Output}");
            // The signal's default end (128 + n) shows that the handler cleaned up without swallowing it. Environment.Exit(3)
            // races with Main, which returns 1 once the stopped jobs have ended as cancelled.
            var expected = ending switch { "SIGTERM" => new[] { 128 + JobRunProgram.SigTerm }, "SIGINT" => new[] { 128 + JobRunProgram.SigInt }, _ => new[] { 3, 1 } };
            Assert.True(expected.Contains(program.ExitCode), $"exit code {program.ExitCode}, not {string.Join(" or ", expected)}: {parent.Output}");

            // qdel/scancel are asynchronous: the scheduler gets a moment to let go.
            await JobRunProgram.WaitFor(() => !JobFitTests.QueuedNames(backend).Contains(name), TimeSpan.FromSeconds(30), () => $"{name} is still queued: {Backends.Queue(backend)}");
            await JobRunProgram.WaitFor(() => Pids(pids).All(pid => !Alive(pid)), TimeSpan.FromSeconds(30), () => $"jobs still running: {string.Join(", ", Pids(pids).Where(Alive))}");
        }
        finally
        {
            // Whatever a failure left behind.
            JobRunProgram.Cancel(backend, name);
            foreach (var pid in Pids(pids).Where(Alive))
            {
                JobRunProgram.Kill(pid, JobRunProgram.SigKill);
            }
        }
    }

    private static List<int> Pids(string file) =>
        File.Exists(file) ? File.ReadAllLines(file).Select(line => int.TryParse(line, out var pid) ? pid : 0).Where(pid => pid > 0).ToList() : new List<int>();

    /// <summary>Alive and not a zombie waiting for its parent (or PID 1 here) to reap it.</summary>
    private static bool Alive(int pid)
    {
        try
        {
            return !File.ReadAllLines($"/proc/{pid}/status").Any(line => line.StartsWith("State:", StringComparison.Ordinal) && line.Contains('Z'));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
