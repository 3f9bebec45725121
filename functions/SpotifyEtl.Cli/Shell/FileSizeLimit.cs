using System.Runtime.InteropServices;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// A file-size limit (ulimit -f) ends a process that writes past it with SIGXFSZ, silently. Ignored, the
/// signal is discarded by the kernel and the write fails with EFBIG instead, which the command reports
/// (<see cref="CliErrors"/>, exit 74).
/// </summary>
/// <remarks>
/// The signal is ignored in the kernel, not handled: a handler (PosixSignalRegistration) runs on a thread of
/// its own, after the write has already failed, and one that finds its registration gone, because the
/// command reported the error and returned meanwhile, ends the process with the signal's default action.
/// An ignored signal leaves nothing to race. Children inherit the disposition, as they inherit the limit.
/// </remarks>
internal static partial class FileSizeLimit
{
    /// <summary>SIGXFSZ, the same number on Linux and macOS.</summary>
    private const int Signal = 25;

    /// <summary>SIG_IGN.</summary>
    private const nint Ignore = 1;

    /// <summary>
    /// Makes writes past the limit fail with EFBIG on every thread. Where that is not possible (no libc), the
    /// signal keeps its default action: nothing else depends on the outcome.
    /// </summary>
    public static void FailWritesInsteadOfEnding()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        try
        {
            _ = SetDisposition(Signal, Ignore);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc to ask: the default action stays.
        }
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetDisposition(int signal, nint disposition);
}
