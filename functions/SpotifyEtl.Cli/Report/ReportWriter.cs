using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Shell;

namespace SpotifyEtl.Cli.Report;

/// <summary>Builds the report of a local lake's tables: runs the sections' named queries in DuckDB and renders the page.</summary>
internal static class ReportWriter
{
    /// <summary>How the name of the page's temporary copy begins, beside the page until it is moved into place.</summary>
    public const string TemporaryPrefix = ".spotify-etl-report-";

    /// <summary>
    /// The page, and why any of its sections could not be shown because a table file is damaged (each reason once);
    /// <paramref name="step"/> is told of each query as it starts (<see cref="ReportAnswers.Collect"/>).
    /// </summary>
    public static (string Html, IReadOnlyList<string> Damaged) Build(string tablesFolder, string source, int? quarantined,
        Action<int, int, string>? step = null)
    {
        using var database = LakeDatabase.Open(tablesFolder, onS3: source.StartsWith("s3://", StringComparison.OrdinalIgnoreCase));
        return Build(database, tablesFolder, source, quarantined, step);
    }

    /// <summary>
    /// The page from a database of the tables already open, which stays open; the named queries <paramref name="answered"/>
    /// holds, answered on that database, are not run again (the demo's report, after its queries).
    /// </summary>
    public static (string Html, IReadOnlyList<string> Damaged) Build(LakeDatabase database, string tablesFolder, string source, int? quarantined,
        Action<int, int, string>? step = null, IReadOnlyDictionary<string, QueryResult>? answered = null)
    {
        var sections = ReportSections.All;
        var answers = ReportAnswers.Collect(database, sections, step: step, answered: answered);
        var input = new ReportInput(source, answers, quarantined, LakeSpan.Read(database, answers) with { PlayGaps = PlayGaps.Read(tablesFolder) });
        var damaged = answers.Values.Where(a => a.Damaged).Select(a => a.Unavailable!).Distinct(StringComparer.Ordinal).ToList();
        return (HtmlReport.Render(input, sections), damaged);
    }

    /// <summary>
    /// Writes the page next to its final name first, so a reader never opens half a report. A symbolic link is written
    /// through, to the file it names, and stays a link. An entry that is no regular file (a FIFO, a socket) is refused and
    /// left as it is. Standard output (<c>/dev/stdout</c>) is written as a stream,
    /// whatever it is (a pipe, a terminal, a file opened for appending), and so is a device: renaming a file onto either
    /// would replace it.
    /// </summary>
    public static void Save(string html, string path) => Save(System.Text.Encoding.UTF8.GetBytes(html), path, File.WriteAllBytes);

    /// <summary>
    /// <see cref="Save(string, string)"/>, writing the temporary file with <paramref name="write"/>. The temporary file
    /// is removed whenever the page does not reach its name (a full disk, a rename refused).
    /// </summary>
    internal static void Save(byte[] bytes, string path, Action<string, byte[]> write)
    {
        if (IsStandardOutput(path))
        {
            StandardStreams.WriteToStandardOutput(bytes);
            return;
        }
        var full = PageFile(path);
        if (IsDevice(full))
        {
            using var device = new FileStream(full, FileMode.Open, FileAccess.Write);
            device.Write(bytes);
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // A short name of its own beside the page (the page's name and a suffix could pass the file system's limit on one
        // name), never another writer's: processes of two containers sharing the folder may have the same id.
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $"{TemporaryPrefix}{Guid.NewGuid():N}.tmp");
        try
        {
            // A page written again keeps the permissions given to it (a listening history kept private stays so), from its
            // first byte: the file is made with them, then its bytes written.
            UnixFileMode? mode = !OperatingSystem.IsWindows() && File.Exists(full) ? File.GetUnixFileMode(full) : null;
            if (mode is { } kept && !OperatingSystem.IsWindows())
            {
                // Writable by its owner while it is written, whatever the page's mode.
                File.Open(temporary, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = kept | UnixFileMode.UserWrite }).Dispose();
            }
            write(temporary, bytes);
            if (mode is { } exact && !OperatingSystem.IsWindows())
            {
                // Made under the umask, which may have taken bits the page had, and writable by its owner.
                File.SetUnixFileMode(temporary, exact);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The error that stopped the write is the one to report.
            }
            throw;
        }
    }

    /// <summary>
    /// Throws what <see cref="Save(string, string)"/> would throw for want of a place to write: a file of its own created in
    /// the page's folder, or the nearest that exists, and deleted; nothing else written, no folder made.
    /// </summary>
    internal static void CheckWritable(string path)
    {
        if (IsStandardOutput(path) || PageFile(path) is var full && IsDevice(full))
        {
            return;
        }
        // The folder the save would make is not made here (a run that fails would leave it): the nearest that exists is
        // where the save makes it, and must take a file; a file on the way is refused as the save would refuse it.
        var folder = Path.GetDirectoryName(full)!;
        while (!Directory.Exists(folder))
        {
            if (File.Exists(folder))
            {
                throw new IOException($"{folder} is a file");
            }
            folder = Path.GetDirectoryName(folder)!;
        }
        var probe = Path.Combine(folder, $"{TemporaryPrefix}{Guid.NewGuid():N}.tmp");
        new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose).Dispose();
    }

    /// <summary>
    /// The file a page at <paramref name="path"/> is written to: a link's final target (a link stays one), or a device. A folder
    /// there, or a FIFO, a socket or another special file, is no page to replace (the move would put a regular file in its
    /// place): each is refused with why.
    /// </summary>
    private static string PageFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full) && File.ResolveLinkTarget(full, returnFinalTarget: true) is { } target)
        {
            full = target.FullName;
        }
        if (IsDevice(full))
        {
            return full;
        }
        if (Directory.Exists(full))
        {
            throw new IOException($"{full} is a folder");
        }
        if (File.Exists(full) && SpotifyEtl.Storage.LocalEntry.NotARegularFile(full) is { } problem)
        {
            throw new IOException($"{problem}; the report takes the place of a regular file only, and leaves this one as it is");
        }
        return full;
    }

    /// <summary>The names of this process's standard output.</summary>
    public static bool IsStandardOutput(string path) => path == StandardOutputName || (OperatingSystem.IsLinux() && path is "/dev/stdout" or "/dev/fd/1" or "/proc/self/fd/1");

    /// <summary>The <c>--out</c> that names standard output on every system: <c>-</c>, as for most tools that write a file.</summary>
    public const string StandardOutputName = "-";

    /// <summary>A device or a process's descriptor (not the files of <c>/dev/shm</c>, a memory file system).</summary>
    private static bool IsDevice(string path) =>
        OperatingSystem.IsLinux() && ((path.StartsWith("/dev/", StringComparison.Ordinal) && !path.StartsWith("/dev/shm/", StringComparison.Ordinal))
                                      || path.StartsWith("/proc/", StringComparison.Ordinal));
}
