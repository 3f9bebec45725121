using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// stdout and stderr as the verbs write them, for when they cannot be written: a full disk (<c>2&gt;/dev/full</c>) or a
/// closed descriptor (<c>2&gt;&amp;-</c>). Unguarded, the runtime reports a failed write to stderr on stderr, fails
/// again and aborts (SIGABRT, exit 134) whatever the verb did, and a failed write to stdout is told as a lake's
/// path that is not writable.
/// </summary>
/// <remarks>
/// A pipe closed by its reader (<c>| head -1</c>) is no failure here: the runtime discards writes to it.
/// </remarks>
internal static partial class StandardStreams
{
    /// <summary>
    /// Puts /dev/null in the place of each of stdin, stdout and stderr the process was started without: called first of
    /// all, before anything opens a file that would take the free number. The runtime duplicates 1 and 2 for its writers
    /// (<see cref="Guard"/>), and the duplicate of a closed one fails (or, of stderr, takes stdout's free number and so is
    /// written as stdout).
    /// </summary>
    public static void FillClosed() => OutputClosed = FillClosedDescriptors().Contains(1);

    /// <summary>
    /// From here on, a write to stderr that fails is dropped (there is nowhere left to tell it; the exit code still
    /// says how the verb ended), and one to stdout ends the verb with <see cref="StandardOutputException"/>. Called
    /// after <see cref="FillClosed"/>, before anything holds <see cref="Console.Out"/> or <see cref="Console.Error"/>.
    /// </summary>
    public static void Guard()
    {
        try
        {
            // UTF-8, whatever charset the locale names: the runtime writes in a Latin-1 or ASCII locale's charset, where a
            // name in another script became '?' (the --json a script reads too, which must be UTF-8).
            Console.OutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // The writers keep the locale's charset.
        }
        try
        {
            Console.SetError(new GuardedWriter(Console.Error, failed => { }));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.SetError(TextWriter.Null);
        }
        try
        {
            Console.SetOut(new GuardedWriter(OutputClosed ? Closed.Instance : Console.Out, failed => throw new StandardOutputException(failed)));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            OutputClosed = true;
            Console.SetOut(new GuardedWriter(Closed.Instance, failed => throw new StandardOutputException(failed)));
        }
    }

    /// <summary>
    /// stderr written through its descriptor rather than the console, a write that fails dropped: for an error told before
    /// the runtime's console could start. The console's writers need a pipe of the runtime's signal handling, and under an
    /// open-file limit that refused it every write through them fails. Each write is the system's own <c>write</c>, at the
    /// descriptor's offset, which it moves: a stderr sent to a file (<c>2&gt; log</c>) shared with the shell keeps what the
    /// shell writes after it.
    /// </summary>
    public static TextWriter ErrorBeforeConsole() => new DescriptorWriter(2);

    /// <summary>Whether the process was started with stdout closed: every write to it fails.</summary>
    private static bool OutputClosed { get; set; }

    /// <summary>The /dev/null handles that stand in for closed standard descriptors, held for the process's life.</summary>
    private static readonly List<SafeFileHandle> StandIns = [];

    /// <summary>
    /// Opens /dev/null into each of the descriptors 0, 1 and 2 that the process was started without (the lowest free number
    /// is the one opened), so that no file the verb opens later takes one and is written as stdout or stderr. Returns the
    /// numbers filled.
    /// </summary>
    private static HashSet<int> FillClosedDescriptors()
    {
        var filled = new HashSet<int>();
        if (OperatingSystem.IsWindows())
        {
            return filled;
        }
        try
        {
            while (true)
            {
                var handle = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                var descriptor = (int)handle.DangerousGetHandle();
                if (descriptor > 2)
                {
                    handle.Dispose();
                    return filled;
                }
                StandIns.Add(handle);
                filled.Add(descriptor);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // No /dev/null to open: the descriptors stay as they are, and the writers' own guards remain.
            return filled;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to stdout's stream, a failed write told as stdout's.</summary>
    public static void WriteToStandardOutput(ReadOnlySpan<byte> bytes)
    {
        if (OutputClosed)
        {
            throw new StandardOutputException(new UnauthorizedAccessException());
        }
        try
        {
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(bytes);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new StandardOutputException(exception);
        }
    }

    /// <summary>The writer of a stdout the process was started without: each write fails as a closed descriptor's does.</summary>
    private sealed class Closed : TextWriter
    {
        public static readonly Closed Instance = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => throw new UnauthorizedAccessException();
    }

    /// <summary>Text written to a descriptor by the system's <c>write</c>, each write whole and at once; one that fails is dropped.</summary>
    private sealed class DescriptorWriter(int descriptor) : TextWriter
    {
        private const int Interrupted = 4; // EINTR

        public override Encoding Encoding { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        public override void Write(char value) => Write(value.ToString());

        public override void WriteLine(string? value) => Write(value + NewLine);

        public override void Write(string? value)
        {
            var bytes = Encoding.GetBytes(value ?? "");
            try
            {
                for (var written = 0; written < bytes.Length;)
                {
                    var count = SystemWrite(descriptor, bytes.AsSpan(written), bytes.Length - written);
                    if (count > 0)
                    {
                        written += (int)count;
                    }
                    else if (count == 0 || Marshal.GetLastPInvokeError() != Interrupted)
                    {
                        return;
                    }
                }
            }
            catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
            {
                // No C library to write with (not a Unix): nowhere to tell it.
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint SystemWrite(int descriptor, ReadOnlySpan<byte> bytes, nint count);

    /// <summary>
    /// A writer that hands a failed write to <c>failed</c> instead of letting it through. Console.SetOut and SetError put it
    /// behind a synchronized writer, which writes the asynchronous forms at once through these; a span reaches
    /// <see cref="Write(char[], int, int)"/> through TextWriter's own.
    /// </summary>
    private sealed class GuardedWriter(TextWriter inner, Action<Exception> failed) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override IFormatProvider FormatProvider => inner.FormatProvider;

        public override string NewLine
        {
            get => inner.NewLine;
#pragma warning disable CS8765 // TextWriter's own setter takes a null as the default new line: passed on as it is.
            set => inner.NewLine = value;
#pragma warning restore CS8765
        }

        public override void Write(char value) => Guarded(() => inner.Write(value));

        public override void Write(string? value) => Guarded(() => inner.Write(value));

        public override void Write(char[] buffer, int index, int count) => Guarded(() => inner.Write(buffer, index, count));

        public override void WriteLine() => Guarded(inner.WriteLine);

        public override void WriteLine(string? value) => Guarded(() => inner.WriteLine(value));

        public override void Flush() => Guarded(inner.Flush);

        private void Guarded(Action write)
        {
            try
            {
                write();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                failed(exception);
            }
        }
    }
}

/// <summary>stdout could not be written: its reason, and what to do, name no file of the lake.</summary>
internal sealed class StandardOutputException(Exception inner)
    : IOException($"Cannot write to standard output ({(inner is UnauthorizedAccessException ? "it is closed, or not open for writing" : inner.Message.TrimEnd('.'))}). Whatever the command wrote elsewhere is complete; send its output to a file on a disk with space, or to a pipe, and run it again.", inner);
