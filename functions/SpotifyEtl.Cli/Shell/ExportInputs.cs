using SpotifyEtl.Import;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// The files named on the import's command line, as candidates: a zip (the export as downloaded) yields its
/// entries, a folder (the export unzipped) every file below it, a file itself. Holds the zips open until disposed.
/// </summary>
internal sealed class ExportInputs : IDisposable
{
    private readonly List<IDisposable> _open = [];

    public List<ExportCandidate> Candidates { get; } = [];

    /// <summary>
    /// The candidates of <paramref name="paths"/>. A folder given that holds the lake (<c>import . --lake ./lake</c>) is read
    /// without it: the lake's files are the import's output, not an export's.
    /// </summary>
    public static ExportInputs Open(IEnumerable<FileSystemInfo> paths, ImportLimits limits, string? lake = null)
    {
        var inputs = new ExportInputs();
        var skipped = lake is null ? null : RealPath.Of(lake);
        try
        {
            foreach (var path in paths)
            {
                if (path is DirectoryInfo folder)
                {
                    if (skipped is not null && RealPath.Of(folder.FullName) == skipped)
                    {
                        inputs.Candidates.Add(ExportCandidate.Unusable(folder.FullName,
                            "it is the lake itself (--lake): name the export's zip, or the folder it was unzipped to"));
                        continue;
                    }
                    foreach (var file in Files(folder, inputs.Candidates, skipped))
                    {
                        inputs.Add(file, Path.GetRelativePath(folder.Parent?.FullName ?? folder.FullName, file.FullName), limits, foundInAFolder: true);
                    }
                }
                else
                {
                    inputs.Add((FileInfo)path, path.Name, limits, foundInAFolder: false);
                }
            }
        }
        catch
        {
            inputs.Dispose();
            throw;
        }
        return inputs;
    }

    private void Add(FileInfo file, string name, ImportLimits limits, bool foundInAFolder)
    {
        // Looked at before it is opened: opening a FIFO waits for a writer that may never come.
        if (LocalEntry.Problem(file.FullName) is { } problem)
        {
            Candidates.Add(Unreadable(name, problem, foundInAFolder));
            return;
        }
        FileStream stream;
        try
        {
            stream = File.OpenRead(file.FullName);
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            Candidates.Add(Unreadable(name, $"it cannot be read ({exception.Message.TrimEnd('.')})", foundInAFolder));
            return;
        }
        Span<byte> start = stackalloc byte[4];
        int read;
        try
        {
            read = stream.ReadAtLeast(start, 4, throwOnEndOfStream: false);
            stream.Position = 0;
        }
        catch (IOException exception)
        {
            // A disk's I/O error: this file is refused with it, and the rest imported.
            stream.Dispose();
            Candidates.Add(Unreadable(name, $"it cannot be read ({exception.Message.TrimEnd('.')})", foundInAFolder));
            return;
        }
        // An archive of another kind is the export repacked when it is named, named as a zip, or named as a file the import
        // reads once unpacked (a .json, a .json.gz); in a folder of downloads, under any other name, it is anything, passed
        // over as the export's other files are.
        var passedOver = foundInAFolder && !name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)
            && ExportImporter.IgnoredByName(ExportArchive.Uncompressed(name)) is not null;
        if (((passedOver ? null : ExportArchive.OtherArchive(start[..read])) ?? ExportArchive.NamedLikeAZip(name, start[..read])) is { } notAZip)
        {
            stream.Dispose();
            Candidates.Add(ExportCandidate.Unusable(name, notAZip));
            return;
        }
        if (ExportArchive.IsZip(start[..read]))
        {
            _open.Add(stream);
            Candidates.AddRange(ExportArchive.Entries(name, stream, limits, readFailureIsItsOwn: true));
            return;
        }
        stream.Dispose();
        var path = file.FullName;
        Candidates.Add(new ExportCandidate(name, _ => Task.FromResult<Stream>(File.OpenRead(path)), file.Length) { ReadFailureIsItsOwn = true });
    }

    /// <summary>
    /// A file that cannot be opened: refused with its reason, unless it was found in a folder given (a folder of downloads)
    /// under a name the import passes over unread (a dangling link named cover.jpg, a socket beside the export), which it
    /// then is. A file named on the command line, or named .zip, is refused all the same: it is most likely the export
    /// (a readable one is recognised as a zip by its first bytes, whatever its name).
    /// </summary>
    private static ExportCandidate Unreadable(string name, string problem, bool foundInAFolder) =>
        foundInAFolder && !name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) && ExportImporter.IgnoredByName(name) is not null
            ? new ExportCandidate(name, _ => throw new InvalidOperationException(problem))
            : ExportCandidate.Unusable(name, problem);

    /// <summary>Every file below a folder, in name order; a folder that cannot be listed is a candidate that says so.</summary>
    private static IEnumerable<FileInfo> Files(DirectoryInfo folder, List<ExportCandidate> problems, string? skipped)
    {
        FileSystemInfo[] entries;
        try
        {
            entries = folder.GetFileSystemInfos();
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            problems.Add(ExportCandidate.Unusable(folder.FullName,
                LocalEntry.UndecodableName(folder.FullName) ?? $"the folder cannot be read ({exception.Message.TrimEnd('.')})"));
            yield break;
        }
        foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry is DirectoryInfo child)
            {
                // The lake, or a link to it, among the folders given: the import's output, not its input.
                if (skipped is not null && RealPath.Of(child.FullName) == skipped)
                {
                    continue;
                }
                if (child.LinkTarget is not null)
                {
                    problems.Add(ExportCandidate.Unusable(child.FullName, "it is a symbolic link to a folder, which the import does not follow: name its target instead"));
                    continue;
                }
                foreach (var file in Files(child, problems, skipped))
                {
                    yield return file;
                }
            }
            else if (entry is FileInfo file)
            {
                yield return file;
            }
        }
    }

    public void Dispose()
    {
        foreach (var open in _open)
        {
            open.Dispose();
        }
        _open.Clear();
    }
}
