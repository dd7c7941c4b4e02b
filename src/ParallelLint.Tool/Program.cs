// parallellint: the cores this process may use, a live view of a durable job run, and a finished run's report.
using ParallelLint.Tool;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("parallellint");
    config.AddCommand<CoresCommand>("cores").WithDescription("The cores this process may use, source by source, and which one decided.");
    config.AddCommand<StatusCommand>("status").WithDescription("One snapshot of a run: jobs per state, slots, and a row per job.")
        .WithExample("status", "./my-run");
    config.AddCommand<WatchCommand>("watch").WithDescription("The run's status, redrawn in place until every job has ended (Ctrl+C stops watching, not the run).")
        .WithExample("watch", "./my-run", "--interval", "2");
    config.AddCommand<ReportCommand>("report").WithDescription("A standalone HTML report of a run: timeline per slot, CPU efficiency, memory, and the parent's launch cost.")
        .WithExample("report", "./my-run", "-o", "report.html", "--png", "report.png");
});

// Ctrl+C cancels the command (watch stops watching and says so) rather than killing the process mid-redraw.
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupt.Cancel();
};
return await app.RunAsync(args, interrupt.Token);
