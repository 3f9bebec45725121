using System.Text.RegularExpressions;
using SpotifyEtl.Spotify;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// Turns an exception into what a person reads on stderr, one line saying what was wrong and what to
/// do, and into its exit code. The stack trace is printed only with --verbose.
/// </summary>
internal static partial class CliErrors
{
    public const string Program = "spotify-etl";

    /// <summary>Writes the error to <paramref name="errors"/> and returns its exit code.</summary>
    public static int Report(Exception exception, TextWriter errors, bool verbose = false)
    {
        var (code, message) = Describe(exception);
        errors.WriteLine($"{Program}: {message}");
        if (verbose)
        {
            // The trace, but never a line of the AWS files the SDK's message quotes.
            errors.WriteLine(AwsFileLine().IsMatch(exception.Message) ? $"{exception.GetType()}: {message}{Environment.NewLine}{exception.StackTrace}" : exception.ToString());
        }
        return code;
    }

    /// <summary>
    /// The AWS SDK's message for a line of <c>~/.aws/config</c> or <c>~/.aws/credentials</c> it cannot read, which quotes the
    /// line whole: a key after a colon, or a session token wrapped onto a line of its own, would be shown.
    /// </summary>
    [GeneratedRegex(@"^Line (?<line>\d+):<.*> in file (?<file>.*) does not contain a section, property or comment\.?$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex AwsFileLine();

    /// <summary>
    /// Writes a warning on a line of its own. While a progress display is drawn on stderr it goes through the display's
    /// console, which clears the display's line, writes the warning, and draws the display below it.
    /// </summary>
    public static void Warn(TextWriter errors, string message)
    {
        var line = $"{Program}: warning: {message}";
        if (ProgressDisplay.Showing && ReferenceEquals(errors, Console.Error))
        {
            Consoles.Progress.Write(new Spectre.Console.Text(line + Environment.NewLine));
            return;
        }
        errors.WriteLine(line);
    }

    /// <summary>
    /// The error that ends a command whose report was printed all the same (an import that imported nothing): written as
    /// <see cref="Report"/> writes one, never labelled a warning; the command returns its exit code itself.
    /// </summary>
    public static void Error(TextWriter errors, string message) => errors.WriteLine($"{Program}: {message}");

    /// <summary>
    /// A parse error in words a user knows: the parser names the .NET type a value failed to convert to
    /// ("as expected type 'System.Int32'"); this says what the option takes instead.
    /// </summary>
    public static string ParseError(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, @"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.$");
        if (!match.Success)
        {
            return message;
        }
        var takes = match.Groups["type"].Value switch
        {
            "System.Int32" => "a whole number from -2147483648 to 2147483647",
            "System.Int64" => "a whole number",
            "System.Double" or "System.Decimal" => "a number",
            "System.IO.FileInfo" => "the path of a file",
            "System.IO.DirectoryInfo" => "the path of a folder",
            "System.IO.FileSystemInfo" => "the path of a file or a folder",
            "System.Boolean" => "true or false",
            _ => "another kind of value",
        };
        return $"{match.Groups["option"].Value} takes {takes}, not '{match.Groups["value"].Value}'.";
    }

    /// <summary>True for the mistakes a command reports itself; anything else is left to the top level.</summary>
    public static bool IsExpected(Exception exception) => Describe(exception).Code != ExitCodes.Failure || exception is CliException;

    /// <summary>The exit code and the message <see cref="Report"/> gives an exception.</summary>
    internal static (int Code, string Message) Describe(Exception exception) => exception switch
    {
        CliException cli => (cli.ExitCode, cli.Message),
        SpotifyConfigurationException => (ExitCodes.Usage, exception.Message),
        SpotifyReauthorizationRequiredException or SpotifyAuthenticationException or SpotifyAccountRefusedException => (ExitCodes.NoPermission, exception.Message),
        SpotifyTokenEndpointFailedException => (ExitCodes.Unavailable, exception.Message),
        // HttpClient's own timeout is a cancellation nobody asked for: Spotify did not answer.
        TaskCanceledException { InnerException: TimeoutException } => (ExitCodes.Unavailable,
            "Spotify did not answer in time. Check the network (and SPOTIFY_ACCOUNTS_BASE_URL or SPOTIFY_API_BASE_URL, if set), then run again."),
        HttpRequestException when UntrustedCertificate.Describe(exception, "Spotify") is { } untrusted => (ExitCodes.Unavailable, untrusted),
        // A socket the open-file limit refused (a socket is a file): the limit's to raise, not the network's. Said so too where
        // it ended an extraction, whose manifest already says which request it refused; an interruption is the interruption's.
        not OperationCanceledException when LocalEntry.OutOfFilesForConnection(exception) =>
            (ExitCodes.IoError, $"No connection to Spotify could be opened ({OpenFileLimit.Exhausted}): {OpenFileLimit.Advice()}"),
        HttpRequestException => (ExitCodes.Unavailable,
            $"Cannot reach Spotify: {exception.Message.TrimEnd('.')}. Check the network (and SPOTIFY_ACCOUNTS_BASE_URL or SPOTIFY_API_BASE_URL, if set), then run again."),
        // Stopped by SIGTERM, the run says it was terminated; by Ctrl-C, or by a cancellation no signal made, interrupted.
        OperationCanceledException => Interruptible.ExitCode == ExitCodes.Terminated
            ? (ExitCodes.Terminated, "Terminated. Whatever was written is complete; run the command again to finish.")
            : (ExitCodes.Interrupted, "Interrupted. Whatever was written is complete; run the command again to finish."),
        // EFBIG: the write (or the file's preallocation, an ArgumentException) passed this process's file-size limit.
        IOException or ArgumentException when exception.Message.Contains("File too large", StringComparison.Ordinal)
            || exception.Message.Contains("too large for the file system", StringComparison.Ordinal) =>
            (ExitCodes.IoError, "A file grew past this process's file-size limit (ulimit -f). Raise the limit (ulimit -f unlimited) and run again; nothing written is half a file."),
        // EMFILE, ENFILE: more files open at once than this process (ulimit -n) or the system allows; no disk or file is at fault.
        IOException when LocalEntry.OutOfFiles(exception) =>
            (ExitCodes.IoError, $"{exception.Message.TrimEnd('.')}: {OpenFileLimit.Advice()}"),
        // A file of the lake (the extraction state) or a zip that is damaged: its message names it and what to do.
        InvalidDataException when AwsFileLine().Match(exception.Message) is { Success: true } line => (ExitCodes.DataError,
            $"Line {line.Groups["line"].Value} of {line.Groups["file"].Value} is no section ([name]), setting (name = value) or comment; " +
            "the line is not shown, as it may hold a key. Mend it (a value goes on the line of its name), then run again."),
        InvalidDataException => (ExitCodes.DataError, exception.Message),
        // A file of the lake the verb needs (the extraction state, a manifest) that is a folder, a link, a FIFO: the lake's to mend.
        UnreadableObjectException unreadable => (ExitCodes.DataError,
            $"{exception.Message} Put a file in its place or move it out of the lake{(unreadable.Key.StartsWith(LakeLayout.State, StringComparison.Ordinal) ? " (without the extraction state, the next extract lands every source afresh)" : "")}, then run again."),
        // An entry in the way of a file of the lake (a folder where a table goes, a lease's lock that is no file): the message
        // says what to do; no advice about disks or permissions fits.
        EntryInTheWayException => (ExitCodes.IoError, exception.Message),
        // stdout, not a path: its own message says so, and what to do.
        StandardOutputException => (ExitCodes.IoError, exception.Message),
        // Any verb, any path (a lake, a sample's --out): the message names the path, and the advice fits them all.
        // Reading needs read (and, for a folder, search) permission, writing write permission: the advice names both.
        UnauthorizedAccessException => (ExitCodes.IoError, $"{exception.Message} Give this user access to that path (read to read a lake, write to write one), or choose another."),
        // A write of the local lake names the lake's file it was writing (the temporary file its bytes went to is gone).
        LakeFileWriteException write => (ExitCodes.IoError, write.DiskFull
            ? $"{write.Message} {FreeSpace(write.Path)}Free space on that disk, or move the lake to a disk with more, then run again: nothing written is half a file."
            : $"{write.Message} Check the disk that holds the lake and that the file's folder is writable by this user, then run again."),
        IOException => (ExitCodes.IoError, $"{exception.Message.TrimEnd('.')}. Check that the disk has space and that the path named is writable by this user."),
        // The machine, a container's memory limit or ulimit -v gave the run less memory than it needs: no bug to report. Also
        // where it comes wrapped: a thread the runtime could not start for a task reaches the task's waiter inside a
        // TaskSchedulerException, and a failed parallel loop's inside an AggregateException.
        _ when ExceptionChain.RanOutOfMemory(exception) => (ExitCodes.Failure, "Out of memory: this machine, or a limit on this process (a container's memory, " +
            "ulimit -v), gave the run less memory than it needs. Whatever was written is complete. Free memory or raise the limit, " +
            "then run the command again: a transform needs about as much as its largest day of raw JSON, an import about half a GB " +
            "per million streams of the history (docs/benchmarks.md)."),
        _ => (ExitCodes.Failure, $"unexpected error: {exception.Message} Run again with --verbose for the details, and report it if it persists."),
    };

    /// <summary>
    /// What the disk holding <paramref name="path"/> has free, as a sentence, read once the run's temporary files are gone;
    /// nothing where the system cannot say. One call to the system, and it tells how much has to go.
    /// </summary>
    private static string FreeSpace(string path) =>
        Sizes.FreeAt(Path.GetDirectoryName(path) ?? path) is (var free, _) ? $"That disk has {Sizes.Of(free)} free. " : "";
}
