using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// Ctrl-C, the same for every verb. The command line takes SIGINT over (it cancels the action's token, the action stops
/// with "Interrupted", exit 130) only once the action has handed back its task; before that, a Ctrl-C ends the process
/// at once and says nothing. An action that works before its first real await (reading an export, generating a sample,
/// emptying a demo lake) would hand its task back only then. Each action here yields first, so its task is handed back
/// at once and all of its work runs with Ctrl-C taken over. Before that, from the start of the program, a Ctrl-C is
/// caught here and cancels <see cref="Token"/>, to which the command line links the action's token: the action stops at
/// its first look at the token, as after any other Ctrl-C.
/// </summary>
internal static class Interruptible
{
    private static readonly CancellationTokenSource Signalled = new();

    private static int _running;

    /// <summary>Cancelled by a Ctrl-C from the moment <see cref="CatchCtrlC"/> was called.</summary>
    public static CancellationToken Token => Signalled.Token;

    /// <summary>Catches Ctrl-C until disposed: it cancels <see cref="Token"/> and no longer ends the process by itself.</summary>
    public static PosixSignalRegistration CatchCtrlC() => PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
    {
        context.Cancel = true;
        Signalled.Cancel();
    });

    /// <summary>
    /// Whether an action is still at work: after a Ctrl-C, one that did not stop within the grace period the command line
    /// gives it, which then ends the process with exit 130 itself.
    /// </summary>
    public static bool StillRunning => Volatile.Read(ref _running) > 0;

    /// <summary>Makes the action of <paramref name="command"/>, and of every command below it, yield before it starts.</summary>
    public static void Apply(Command command)
    {
        if (command.Action is AsynchronousCommandLineAction action)
        {
            command.SetAction(async (parse, cancellationToken) =>
            {
                Interlocked.Increment(ref _running);
                try
                {
                    await Task.Yield();
                    return await action.InvokeAsync(parse, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref _running);
                }
            });
        }
        foreach (var subcommand in command.Subcommands)
        {
            Apply(subcommand);
        }
    }
}
