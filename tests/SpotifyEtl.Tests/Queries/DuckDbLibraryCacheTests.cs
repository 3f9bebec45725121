using System.IO.Compression;
using System.Runtime.InteropServices;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// The single-file tool unpacks DuckDB's library into a cache folder and loads it into its own process. A library found
/// there is loaded only from this user's own folders, closed to others' writes, and only as a file of this user's, not a
/// link: in a shared XDG_CACHE_HOME, or in the temporary folder a user without a home falls back to, another user could
/// make the folders first and plant a library of their own.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class DuckDbLibraryCacheTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static MemoryStream Library(string content)
    {
        var library = new MemoryStream();
        using (var gzip = new GZipStream(library, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(content));
        }
        library.Position = 0;
        return library;
    }

    /// <summary>Where <see cref="DuckDbNativeLibrary.Unpack"/> puts this content: found by unpacking it into a cache of its own.</summary>
    private string FolderFor(string content, string cache)
    {
        using var library = Library(content);
        var unpacked = DuckDbNativeLibrary.Unpack(library, _folder[$"probe-{Guid.NewGuid():N}"]);
        return Path.Combine(cache, Path.GetRelativePath(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(unpacked)!)!)!, Path.GetDirectoryName(unpacked)!));
    }

    [Theory]
    [InlineData("library")]
    [InlineData("folder")]
    [InlineData("spotify-etl folder")]
    public void A_library_or_folder_in_the_cache_that_is_a_link_is_refused_and_never_loaded(string linked)
    {
        var cache = _folder["cache"];
        var folder = FolderFor("the real library", cache);
        var planted = Directory.CreateDirectory(_folder["elsewhere"]).FullName;
        File.WriteAllText(Path.Combine(planted, "libduckdb.so"), "planted");
        switch (linked)
        {
            case "library":
                Directory.CreateDirectory(folder);
                File.CreateSymbolicLink(Path.Combine(folder, "libduckdb.so"), Path.Combine(planted, "libduckdb.so"));
                break;
            case "folder":
                Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
                Directory.CreateSymbolicLink(folder, planted);
                break;
            default:
                var moved = _folder["elsewhere-root"];
                Directory.CreateDirectory(Path.Combine(moved, Path.GetFileName(folder)));
                File.WriteAllText(Path.Combine(moved, Path.GetFileName(folder), "libduckdb.so"), "planted");
                Directory.CreateDirectory(cache);
                Directory.CreateSymbolicLink(Path.GetDirectoryName(folder)!, moved);
                break;
        }
        using var library = Library("the real library");

        var refused = Assert.Throws<CliException>(() => DuckDbNativeLibrary.Unpack(library, cache));

        Assert.Equal(ExitCodes.IoError, refused.ExitCode);
        Assert.Contains("is a link", refused.Message, StringComparison.Ordinal);
        Assert.Contains("XDG_CACHE_HOME", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_without_a_home_unpacks_into_a_folder_of_their_own_beside_another_such_users()
    {
        // The temporary folder as /tmp is (sticky, anyone may write), where another user without a home ran the tool first
        // and left their cache, private to them.
        var temporary = Directory.CreateDirectory(_folder["tmp"]).FullName;
        File.SetUnixFileMode(temporary, (UnixFileMode)Convert.ToInt32("1777", 8));
        var me = GetEffectiveUserId();
        var theirs = DuckDbNativeLibrary.CacheRoot(null, "", temporary, 65534);
        using (var library = Library("the real library"))
        {
            DuckDbNativeLibrary.Unpack(library, theirs);
        }
        Sudo(me == 0 ? null : ["chown", "-hR", "65534:65534", theirs], () => ChownTree(theirs, 65534, 65534));
        try
        {
            var mine = DuckDbNativeLibrary.CacheRoot(null, null, temporary, me);
            Assert.NotEqual(theirs, mine);
            Assert.Equal(temporary, Path.GetDirectoryName(mine));
            using var library = Library("the real library");

            Assert.Equal("the real library", File.ReadAllText(DuckDbNativeLibrary.Unpack(library, mine)));
        }
        finally
        {
            var group = GetEffectiveGroupId();
            Sudo(me == 0 ? null : ["chown", "-hR", $"{me}:{group}", theirs], () => ChownTree(theirs, me, group));
        }
        // A home, or XDG_CACHE_HOME, comes first.
        var home = Directory.CreateDirectory(_folder["home"]).FullName;
        Assert.Equal(Path.Combine(home, ".cache"), DuckDbNativeLibrary.CacheRoot(null, home, temporary, me));
        Assert.Equal("/var/cache/u", DuckDbNativeLibrary.CacheRoot("/var/cache/u", home, temporary, me));
    }

    /// <summary>
    /// Homes where no <c>.cache</c> can be made, as <c>HOME=/</c> is for a container's uid that has no entry in its passwd
    /// file (which runc gives such a uid): the library goes to the temporary folder's folder of this user, as for a user
    /// without a home, where every verb that runs a query failed (exit 74, "Cannot unpack DuckDB's library … into /.cache").
    /// Made so for root too: a file where the home or its .cache would be, a home below a file.
    /// </summary>
    [Theory]
    [InlineData("home is a file")]
    [InlineData(".cache is a file")]
    [InlineData("home below a file")]
    public void A_home_where_no_cache_folder_can_be_made_unpacks_into_the_temporary_folder(string kind)
    {
        var temporary = Directory.CreateDirectory(_folder["tmp"]).FullName;
        var home = _folder["home"];
        switch (kind)
        {
            case "home is a file":
                File.WriteAllText(home, "");
                break;
            case ".cache is a file":
                Directory.CreateDirectory(home);
                File.WriteAllText(Path.Combine(home, ".cache"), "");
                break;
            default:
                File.WriteAllText(home, "");
                home = Path.Combine(home, "below");
                break;
        }
        var me = GetEffectiveUserId();

        var root = DuckDbNativeLibrary.CacheRoot(null, home, temporary, me);

        Assert.Equal(Path.Combine(temporary, $"spotify-etl-cache-{me}"), root);
        using var library = Library("the real library");
        Assert.Equal("the real library", File.ReadAllText(DuckDbNativeLibrary.Unpack(library, root)));
    }

    private static int ChownTree(string root, uint user, uint group) =>
        Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories).Append(root).Select(path => Chown(path, user, group)).FirstOrDefault(result => result != 0);

    [Theory]
    [InlineData("library")]
    [InlineData("folder")]
    [InlineData("spotify-etl folder")]
    public void A_library_or_folder_in_the_cache_that_another_user_owns_is_refused_and_never_loaded(string owned)
    {
        var cache = _folder["cache"];
        var folder = FolderFor("the real library", cache);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "libduckdb.so"), "planted");
        var path = owned switch
        {
            "library" => Path.Combine(folder, "libduckdb.so"),
            "folder" => folder,
            _ => Path.GetDirectoryName(folder)!,
        };
        Sudo(GetEffectiveUserId() == 0 ? null : ["chown", "-h", "65534:65534", path], () => Chown(path, 65534, 65534));
        try
        {
            using var library = Library("the real library");

            var refused = Assert.Throws<CliException>(() => DuckDbNativeLibrary.Unpack(library, cache));

            Assert.Equal(ExitCodes.IoError, refused.ExitCode);
            Assert.Contains($"{path} belongs to another user (uid 65534)", refused.Message, StringComparison.Ordinal);
            Assert.Equal("planted", File.ReadAllText(Path.Combine(folder, "libduckdb.so")));
        }
        finally
        {
            // Back to this user, so that the temporary folder can be removed.
            var (user, group) = (GetEffectiveUserId(), GetEffectiveGroupId());
            Sudo(user == 0 ? null : ["chown", "-hR", $"{user}:{group}", cache], () => Chown(path, user, group));
        }
    }

    [Theory]
    [InlineData(0b111_111_111, false)]
    [InlineData(0b111_000_011, false)]
    [InlineData(0b111_101_010, false)]
    [InlineData(0b1_111_111_111, true)]
    [InlineData(0b111_111_101, true)]
    [InlineData(0b111_101_101, true)]
    public void A_cache_folder_every_user_may_write_to_is_refused_unless_it_has_the_sticky_bit_and_left_as_it_was(int mode, bool accepted)
    {
        // Without the sticky bit any user could rename this user's folder away and put their own in its place.
        var cache = Directory.CreateDirectory(_folder["shared-cache"]).FullName;
        File.SetUnixFileMode(cache, (UnixFileMode)mode);
        using var library = Library("the real library");

        if (accepted)
        {
            Assert.Equal("the real library", File.ReadAllText(DuckDbNativeLibrary.Unpack(library, cache)));
            return;
        }
        var refused = Assert.Throws<CliException>(() => DuckDbNativeLibrary.Unpack(library, cache));
        Assert.Equal(ExitCodes.IoError, refused.ExitCode);
        Assert.Contains($"{cache} may be written to by every user and has no sticky bit", refused.Message, StringComparison.Ordinal);
        Assert.Contains("XDG_CACHE_HOME", refused.Message, StringComparison.Ordinal);
        // Refused before anything is written there: a folder called unsafe holds nothing of this tool's.
        Assert.Empty(Directory.EnumerateFileSystemEntries(cache));
    }

    [Fact]
    public void A_library_this_user_unpacked_is_found_again_and_its_folders_are_closed_to_others()
    {
        var cache = _folder["cache"];
        using (var first = Library("the real library"))
        {
            DuckDbNativeLibrary.Unpack(first, cache);
        }
        // Made by an earlier version, or loosened since: this user's own, so closed again rather than refused.
        var folder = FolderFor("the real library", cache);
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);

        using var again = Library("the real library");
        var unpacked = DuckDbNativeLibrary.Unpack(again, cache);

        Assert.Equal(Path.Combine(folder, "libduckdb.so"), unpacked);
        Assert.Equal("the real library", File.ReadAllText(unpacked));
        foreach (var entry in new[] { Path.GetDirectoryName(folder)!, folder, unpacked })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(entry));
        }
    }

    /// <summary>
    /// Copies that processes killed while they unpacked the library left beside it (tens of MB each, in this version's naming
    /// or an earlier one's) are removed by the next run that looks for the library, whether it unpacks it or finds it there;
    /// a copy a running process is writing stays, and so does the library.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Copies_left_by_processes_killed_while_unpacking_are_removed_and_a_running_ones_stays(bool unpackedBefore)
    {
        var cache = _folder["cache"];
        var folder = FolderFor("the real library", cache);
        if (unpackedBefore)
        {
            using var first = Library("the real library");
            DuckDbNativeLibrary.Unpack(first, cache);
        }
        Directory.CreateDirectory(folder);
        var gone = Enumerable.Range(0, 4_000_000).Select(i => 4_194_303 - i).First(pid => !Directory.Exists($"/proc/{pid}"));
        string[] left = [Path.Combine(folder, $"{gone}.{Random.Shared.NextInt64(1, long.MaxValue)}-{Guid.NewGuid():N}.tmp"), Path.Combine(folder, $"libduckdb.so.{gone}.tmp")];
        var running = Path.Combine(folder, SpotifyEtl.Storage.LocalFolderStore.TemporaryName());
        foreach (var copy in left.Append(running))
        {
            File.WriteAllText(copy, "part of a library");
        }

        using var library = Library("the real library");
        var unpacked = DuckDbNativeLibrary.Unpack(library, cache);

        Assert.Equal("the real library", File.ReadAllText(unpacked));
        Assert.All(left, copy => Assert.False(File.Exists(copy), copy));
        Assert.True(File.Exists(running), "a copy a running process writes stays");
    }

    /// <summary>
    /// Changes an entry's owner (not what a link names): as root in the process, otherwise through sudo without a password
    /// (as on GitHub's runners); a user who can do neither cannot test this, and the test says so.
    /// </summary>
    private static void Sudo(string[]? arguments, Func<int> asRoot)
    {
        if (arguments is null)
        {
            Assert.Equal(0, asRoot());
            return;
        }
        var start = new System.Diagnostics.ProcessStartInfo("sudo") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments.Prepend("-n"))
        {
            start.ArgumentList.Add(argument);
        }
        using var sudo = System.Diagnostics.Process.Start(start)!;
        var errors = sudo.StandardError.ReadToEnd();
        sudo.WaitForExit();
        Assert.True(sudo.ExitCode == 0, $"Giving a folder to another user takes root or sudo without a password: {errors}");
    }

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEffectiveGroupId();

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);
}
