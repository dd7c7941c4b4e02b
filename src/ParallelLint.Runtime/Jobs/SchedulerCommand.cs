using System.ComponentModel;
using System.Diagnostics;

namespace ParallelLint.Runtime.Jobs;

/// <summary>Runs a scheduler's command (<c>qsub</c>, <c>squeue</c>...) and captures what it says.</summary>
internal sealed class SchedulerCommand
{
    private readonly string scheduler;
    private readonly string? directory;

    public SchedulerCommand(string scheduler, string? directory)
    {
        this.scheduler = scheduler;
        this.directory = directory;
    }

    public sealed class Output
    {
        public Output(string command, int exitCode, string standardOutput, string standardError)
        {
            Command = command;
            ExitCode = exitCode;
            StandardOutput = standardOutput;
            StandardError = standardError;
        }

        public string Command { get; }
        public int ExitCode { get; }
        public string StandardOutput { get; }
        public string StandardError { get; }

        /// <summary>What the command printed as an error, on one line, for messages.</summary>
        public string Error => string.Join(" ", (StandardError + "\n" + (ExitCode != 0 ? StandardOutput : ""))
            .Split(new[] { '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries).Select(line => line.Trim()));
    }

    /// <summary>Runs the command to its end; a missing command is a <see cref="JobSchedulerException"/> that says so.</summary>
    public async Task<Output> RunAsync(string command, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var path = directory is null ? command : Path.Combine(directory, command);
        var args = arguments.ToList();
        var startInfo = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        ChildProcesses.AddArguments(startInfo, args);
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new JobSchedulerException(
                $"{scheduler}: '{command}' could not be run ({e.Message}); is {scheduler} installed and on PATH, " +
                "or set JobExecutorOptions.Grid.SchedulerDirectory?",
                e);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (cancellationToken.Register(() => ChildProcesses.KillTree(process)))
        {
            await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
            process.WaitForExit();
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new Output(command + " " + string.Join(" ", args), process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>
    /// A submission that failed for a reason that may pass (the daemon busy, restarting or not reachable yet,
    /// an auto-scaling grid with no workers yet): worth retrying with back-off. Anything else is fatal.
    /// </summary>
    public static bool IsTemporary(Output output)
    {
        var text = output.Error.ToLowerInvariant();
        return new[]
        {
            "temporarily", "try again", "timed out", "timeout", "unable to contact", "connection refused", "not responding",
            "commlib error", "can't connect", "cannot connect", "unable to connect", "socket", "busy", "no route to host",
            "error reading answer",
        }.Any(text.Contains);
    }
}
