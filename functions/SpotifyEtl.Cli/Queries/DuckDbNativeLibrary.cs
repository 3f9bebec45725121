using System.IO.Compression;
using System.Reflection;
using System.Runtime.InteropServices;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// Where DuckDB's native library comes from. The single-file build of <c>make cli</c> carries it as a
/// gzip-compressed resource: on first use it is written to a per-user cache folder under a name made of
/// its hash (so versions never mix, and a half-written copy is never loaded), then loaded from there.
/// Other builds find the copy NuGet put beside the assembly.
/// </summary>
internal static partial class DuckDbNativeLibrary
{
    private const string Resource = "native/libduckdb.so.gz";
    private static readonly Lock Gate = new();
    private static bool _registered;

    /// <summary>
    /// Call before the first DuckDB connection; later calls do nothing. The library is unpacked here, not when DuckDB
    /// first loads it, so that a cache folder it cannot be written to is reported as such.
    /// </summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered || typeof(DuckDbNativeLibrary).Assembly.GetManifestResourceInfo(Resource) is null)
            {
                return;
            }
            // Loaded right after its folders were checked, not at DuckDB's first call: nothing can be swapped in between.
            var library = NativeLibrary.Load(Extract());
            NativeLibrary.SetDllImportResolver(typeof(DuckDB.NET.Native.DuckDBState).Assembly,
                (name, _, _) => name == "duckdb" ? library : IntPtr.Zero);
            _registered = true;
        }
    }

    private static string Extract()
    {
        using var compressed = typeof(DuckDbNativeLibrary).Assembly.GetManifestResourceStream(Resource)!;
        return Unpack(compressed, CacheRoot(), BuildHash());
    }

    /// <summary>The SHA-256 of the resource as the build computed it (hex); null in a build that did not, which hashes it here.</summary>
    private static string? BuildHash() =>
        typeof(DuckDbNativeLibrary).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == "DuckDbLibrarySha256")?.Value is { Length: 64 } hash ? hash : null;

    /// <summary>
    /// Unpacks a gzip-compressed library under <paramref name="cacheRoot"/>, once per content (named by its SHA-256,
    /// <paramref name="sha256"/> when the build computed it); returns its path. A copy
    /// already there is loaded only from folders of this user's that no one else may write to, and only when it is a
    /// file of this user's, not a link: code loaded into the process must not be another user's (a shared
    /// <c>XDG_CACHE_HOME</c>, or the temporary folder of a user without a home, where anyone may make the folders first).
    /// </summary>
    internal static string Unpack(Stream compressed, string cacheRoot, string? sha256 = null)
    {
        var hash = (sha256 ?? ContentHash.Sha256(compressed))[..16];
        var own = Path.Combine(cacheRoot, "spotify-etl");
        var folder = Path.Combine(own, "duckdb-" + hash);
        var library = Path.Combine(folder, "libduckdb.so");
        // Named after this process and the instant it started: a copy a killed process left (tens of MB) is known for one.
        var temporary = Path.Combine(folder, LocalFolderStore.TemporaryName());
        try
        {
            // Checked before the tool's folder is made in it (nothing is left in a folder refused) and after (made on the way).
            if (Directory.Exists(cacheRoot))
            {
                MustNotBeSharedUnguarded(cacheRoot);
            }
            MakeFolder(folder);
            MustNotBeSharedUnguarded(cacheRoot);
            MakePrivate(own, folder);
            RemoveLeftCopies(folder);
            if (File.Exists(library))
            {
                MakePrivate(own, library);
                return library;
            }
            compressed.Position = 0;
            using (var output = File.Create(temporary))
            using (var gzip = new GZipStream(compressed, CompressionMode.Decompress))
            {
                gzip.CopyTo(output);
            }
            // Atomic: a concurrent first run either sees no file or a whole one.
            File.Move(temporary, library, overwrite: true);
            MakePrivate(own, library);
            return library;
        }
        catch (NotOwnException exception)
        {
            throw new CliException(ExitCodes.IoError, $"{exception.Path} {exception.Why}, so DuckDB's library, which the queries run on, " +
                "is not loaded from there: code run by this user must be this user's own. Set XDG_CACHE_HOME to a folder of your own.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
            if (LocalEntry.OutOfFiles(exception))
            {
                // This process's open-file limit is no fault of the folder's: it goes on to be told as what it is.
                throw;
            }
            // A file where a folder of the path should be (XDG_CACHE_HOME naming a file) is named as such: the system's
            // "Could not find a part of the path" says nothing of it.
            throw new CliException(ExitCodes.IoError, LocalEntry.FileAtOrAbove(Path.GetFullPath(folder)) is { } file
                ? $"Cannot unpack DuckDB's library, which the queries run on, into {folder}: {file} is a file, not a folder. " +
                  "Set XDG_CACHE_HOME to a folder of your own."
                : $"Cannot unpack DuckDB's library, which the queries run on, into {folder}: " +
                  $"{exception.Message.TrimEnd('.')}. Make that folder writable by this user, or set XDG_CACHE_HOME to a folder that is.");
        }
    }

    /// <summary>
    /// Removes the copies that processes killed while unpacking left in <paramref name="folder"/> (a folder of this user's
    /// alone, checked before): those named as the lake's temporary files are whose writer no longer runs, and those an
    /// earlier version named <c>libduckdb.so.{pid}.tmp</c> whose process is gone. A copy another process is writing stays.
    /// </summary>
    private static void RemoveLeftCopies(string folder)
    {
        LocalFolderStore.RemoveStaleTemporaryFiles(folder);
        foreach (var copy in Directory.EnumerateFiles(folder, "libduckdb.so.*.tmp"))
        {
            var pid = Path.GetFileName(copy)["libduckdb.so.".Length..^".tmp".Length];
            if (int.TryParse(pid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && !LocalFolderStore.ProcessRuns(id))
            {
                File.Delete(copy);
            }
        }
    }

    /// <summary>
    /// Each entry is a folder or file of this user's (root's too: root loads no other user's code either), not a link,
    /// and closed to every other user's writes.
    /// </summary>
    private static void MakePrivate(params string[] entries)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        foreach (var entry in entries)
        {
            var status = StatusOf(entry, followLinks: false);
            if (status.Type == LocalEntry.SymbolicLink)
            {
                throw new NotOwnException(entry, "is a link");
            }
            if (status.Owner != GetEffectiveUserId())
            {
                throw new NotOwnException(entry, $"belongs to another user (uid {status.Owner})");
            }
            File.SetUnixFileMode(entry, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>
    /// The cache folder the tool's own folder is in, whose owner and writers could rename this user's folder away and put
    /// their own in its place: it must be this user's or root's, and one every user may write to needs the sticky bit
    /// (as <c>/tmp</c> has). A group's write (a user's private group, by a umask of 002) is left alone.
    /// </summary>
    private static void MustNotBeSharedUnguarded(string cacheRoot)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var status = StatusOf(cacheRoot, followLinks: true);
        if (status.Owner != 0 && status.Owner != GetEffectiveUserId())
        {
            throw new NotOwnException(cacheRoot, $"belongs to another user (uid {status.Owner})");
        }
        if ((status.Permissions & 0b000_000_010) != 0 && (status.Permissions & 0b1_000_000_000) == 0)
        {
            throw new NotOwnException(cacheRoot, "may be written to by every user and has no sticky bit");
        }
    }

    private static EntryStatus StatusOf(string path, bool followLinks) =>
        LocalEntry.Stat(path, followLinks) ?? throw new IOException($"{path} cannot be examined (its owner and mode)");

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    private sealed class NotOwnException(string path, string why) : Exception($"{path} {why}")
    {
        public string Path { get; } = path;
        public string Why { get; } = why;
    }

    private static string CacheRoot() => CacheRoot(Environment.GetEnvironmentVariable("XDG_CACHE_HOME"),
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), Path.GetTempPath(), OperatingSystem.IsLinux() ? GetEffectiveUserId() : 0);

    /// <summary>
    /// $XDG_CACHE_HOME, else ~/.cache, else, for a user without a home (a service account, a container's arbitrary uid), a
    /// folder of the temporary folder named after the user: one folder shared by every such user would be the first one's,
    /// private to them, and refused to every other. A home whose <c>.cache</c> cannot be made is no home for
    /// this: a container runs a uid that has no entry in its passwd file with <c>HOME=/</c>, which that user may not write.
    /// The folder is made on the way, as the cache would make it.
    /// </summary>
    internal static string CacheRoot(string? xdg, string? home, string temporary, uint user) =>
        !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg) ? xdg
        : !string.IsNullOrEmpty(home) && CanMake(Path.Combine(home, ".cache")) ? Path.Combine(home, ".cache")
        : Path.Combine(temporary, $"spotify-etl-cache-{user}");

    /// <summary>Whether a folder stands at <paramref name="path"/> or can be made there (it is then made, as the cache would make it).</summary>
    private static bool CanMake(string path)
    {
        try
        {
            MakeFolder(path);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Makes a folder and those above it that are missing, for this user alone (0700, as the XDG base directories ask of
    /// ~/.cache), whatever the umask: made with the umask's mode (000 leaves it 0777), the folder would be shared with
    /// every user, and refused as such at this and every later run.
    /// </summary>
    private static void MakeFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        // Each missing folder on the way down, not the last alone: CreateDirectory gives the mode to the folder it is asked for.
        var missing = new Stack<string>();
        for (var folder = Path.GetFullPath(path); !Directory.Exists(folder); folder = Path.GetDirectoryName(folder) ?? "")
        {
            missing.Push(folder);
            if (Path.GetDirectoryName(folder) is null)
            {
                break;
            }
        }
        while (missing.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
