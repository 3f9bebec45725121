using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// Ctrl-C (SIGINT) and a request to terminate (SIGTERM: <c>kill</c>, <c>docker stop</c>, a service manager's stop, a
/// cancelled CI job), the same for every verb, and handled here alone: the command line's own handling is switched off
/// (<see cref="InvocationConfiguration.ProcessTerminationTimeout"/> null), since it ran beside this one in no set order
/// and could not tell the verb which signal came. From the start of the program either signal cancels
/// <see cref="Token"/>, to which the command line links the action's token: the action stops at its next look at the
/// token and says "Interrupted" (exit 130) or "Terminated" (exit 143), by <see cref="ExitCode"/>. An action that does
/// not stop within <see cref="GracePeriod"/> of the signal is ended all the same (<see cref="WithinGracePeriodAsync"/>).
/// For that, the action's task has to be handed back before its work begins: an action that works before its first
/// real await (reading an export, generating a sample, emptying a demo lake) would hand it back only then, so each
/// action here yields first (<see cref="Apply"/>).
/// </summary>
internal static class Interruptible
{
    /// <summary>How long an action has to stop after the signal before the process ends without it.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(2);

    private static readonly CancellationTokenSource Signalled = new();

    private static readonly CancellationTokenSource GraceOver = new();

    private static int _exitCode;

    /// <summary>Cancelled by the first SIGINT, SIGTERM or SIGHUP from the moment <see cref="CatchSignals"/> was called.</summary>
    public static CancellationToken Token => Signalled.Token;

    /// <summary>
    /// The exit code of the signal that stopped the run: <see cref="ExitCodes.Terminated"/> after a SIGTERM, otherwise
    /// (a Ctrl-C, or no signal at all) <see cref="ExitCodes.Interrupted"/>. The first signal decides; later ones change nothing.
    /// </summary>
    public static int ExitCode => Volatile.Read(ref _exitCode) is ExitCodes.Terminated ? ExitCodes.Terminated : ExitCodes.Interrupted;

    /// <summary>
    /// Catches SIGINT, SIGTERM and SIGHUP for the rest of the process: the first cancels <see cref="Token"/> and starts the
    /// grace period; none ends the process by itself. Never let go: a signal in the process's last moments, once the verb
    /// has done its work and the program returned its exit code, finds nothing half-done, where the runtime's own handling
    /// would end the process with exit 143 and no word.
    /// <para>
    /// The runtime's signal handling opens a pipe of its own the first time. Under an open-file limit that leaves no room
    /// even for that (<c>ulimit -n 6</c>, as a hard limit), returns the error that says so, for the process to end with
    /// before any work it could not stop; null otherwise.
    /// </para>
    /// </summary>
    public static IOException? CatchSignals()
    {
        try
        {
            _registrations ??=
            [
                PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, ExitCodes.Interrupted)),
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, ExitCodes.Terminated)),
                // The terminal closed (or the ssh session ended): a request to stop, as SIGTERM is, not a kill mid-write.
                PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => Stop(context, ExitCodes.Terminated)),
            ];
            return null;
        }
        // The pipe is made by the registrations' static constructor, whose failure comes wrapped.
        catch (Exception exception) when (((exception as TypeInitializationException)?.InnerException ?? exception) is IOException failure
            && LocalEntry.OutOfFiles(failure))
        {
            return new IOException($"Ctrl-C and SIGTERM cannot be watched for ({LocalEntry.TooManyOpenFiles})", exception);
        }
    }

    private static PosixSignalRegistration[]? _registrations;

    /// <summary>
    /// The exit code of <paramref name="action"/>, or null when a signal came and the action had not stopped within
    /// <see cref="GracePeriod"/> of it: the process is to end all the same.
    /// </summary>
    public static async Task<int?> WithinGracePeriodAsync(Task<int> action)
    {
        var graceOver = Task.Delay(Timeout.InfiniteTimeSpan, GraceOver.Token);
        // Both done: the action's own exit code wins (WhenAny answers the first task of the two that is complete).
        return await Task.WhenAny(action, graceOver).ConfigureAwait(false) == action ? await action.ConfigureAwait(false) : null;
    }

    /// <summary>Makes the action of <paramref name="command"/>, and of every command below it, yield before it starts.</summary>
    public static void Apply(Command command)
    {
        if (command.Action is AsynchronousCommandLineAction action)
        {
            command.SetAction(async (parse, cancellationToken) =>
            {
                await Task.Yield();
                return await action.InvokeAsync(parse, cancellationToken).ConfigureAwait(false);
            });
        }
        foreach (var subcommand in command.Subcommands)
        {
            Apply(subcommand);
        }
    }

    private static void Stop(PosixSignalContext context, int exitCode)
    {
        context.Cancel = true;
        if (Interlocked.CompareExchange(ref _exitCode, exitCode, 0) == 0)
        {
            GraceOver.CancelAfter(GracePeriod);
            Signalled.Cancel();
        }
    }
}
