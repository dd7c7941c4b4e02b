#if NET
using System.Runtime.InteropServices;
#endif

namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// Stops what the runs still going have outstanding (grid jobs, local child processes) when this process ends before
/// they do, so that nothing it could reach stays queued or running: on <see cref="AppDomain.ProcessExit"/> (Main
/// returned or <c>Environment.Exit</c> was called with runs still going; SIGTERM on .NET), and on SIGINT, SIGQUIT,
/// SIGHUP and SIGTERM (Ctrl+C and Ctrl+Break on Windows) unless a handler already cancelled the signal to shut
/// down on its own. SIGKILL and a power cut cannot be caught: then a grid keeps the jobs until they end or are deleted.
/// </summary>
internal static class ExitCleanup
{
    private static readonly object Gate = new();
    private static readonly HashSet<Registration> Registered = new();
    private static bool hooked;
#if NET
    // Kept alive for the process's lifetime: a collected registration unregisters its handler.
    private static List<PosixSignalRegistration>? signals;
#endif

    /// <summary>
    /// Calls <paramref name="stop"/> (with why, e.g. <c>SIGTERM</c>) when the process ends before the returned handle
    /// is disposed. It runs at most once, on a thread of its own choosing, and must not take long.
    /// </summary>
    public static IDisposable Register(Action<string> stop)
    {
        var registration = new Registration(stop);
        lock (Gate)
        {
            Hook();
            Registered.Add(registration);
        }

        return registration;
    }

    /// <summary>Stops everything registered, once each; what is registered afterwards is stopped by the next call.</summary>
    internal static void StopAll(string why)
    {
        Registration[] stops;
        lock (Gate)
        {
            stops = Registered.ToArray();
            Registered.Clear();
        }

        foreach (var registration in stops)
        {
            try
            {
                registration.Stop(why);
            }
#pragma warning disable CA1031 // The process is ending: one run's failure to clean up must not keep the others from theirs.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private static void Hook()
    {
        if (hooked)
        {
            return;
        }

        hooked = true;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll("the process is exiting");
#if NET
        signals = new List<PosixSignalRegistration>();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGQUIT, PosixSignal.SIGHUP, PosixSignal.SIGTERM })
        {
            try
            {
                signals.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    // Left uncancelled, the signal ends the process right after the handlers (without ProcessExit for SIGINT).
                    if (!context.Cancel)
                    {
                        StopAll(context.Signal.ToString());
                    }
                }));
            }
            catch (PlatformNotSupportedException)
            {
                // Not every platform has every signal (SIGHUP on some); ProcessExit still covers an orderly exit.
            }
        }
#else
        Console.CancelKeyPress += (_, e) =>
        {
            if (!e.Cancel)
            {
                StopAll(e.SpecialKey.ToString());
            }
        };
#endif
    }

    private sealed class Registration : IDisposable
    {
        private Action<string>? stop;

        public Registration(Action<string> stop) => this.stop = stop;

        public void Stop(string why) => Interlocked.Exchange(ref stop, null)?.Invoke(why);

        public void Dispose()
        {
            stop = null;
            lock (Gate)
            {
                Registered.Remove(this);
            }
        }
    }
}
