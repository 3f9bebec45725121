using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// A lake whose top folders (raw/, transformed/, state/, quarantine/) are mounted from another file system, as
/// volumes of their own or links to another disk: every write still replaces its object whole. A rename moves a
/// file whole only within one file system, and across two .NET's File.Move copies over the target in place: a
/// reader holding the object saw the new bytes, or half of them, a power cut could leave it truncated, and a .NET
/// reader's shared lock on it made the write fail as "being used by another process".
/// </summary>
public sealed class LocalLakeOtherFileSystemTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string? _elsewhere;

    public LocalLakeOtherFileSystemTests()
    {
        // A folder on another file system than the lake's: the tests' temporary folder is a tmpfs in make test and the
        // checkout is on disk, or the other way round.
        var lake = LocalEntry.Stat(_folder.Path, followLinks: true)!.Value.Device;
        var candidate = new[] { "/dev/shm", Path.Combine(RepositoryPaths.Root, "artifacts") }
            .FirstOrDefault(folder => Directory.Exists(folder) && LocalEntry.Stat(folder, followLinks: true) is { } other && other.Device != lake);
        _elsewhere = candidate is null ? null : Directory.CreateDirectory(Path.Combine(candidate, $"other-fs-{Guid.NewGuid():N}")).FullName;
    }

    public void Dispose()
    {
        if (_elsewhere is not null)
        {
            Directory.Delete(_elsewhere, recursive: true);
        }
        _folder.Dispose();
    }

    private static readonly string[] Keys =
    [
        "raw/playlist_items/snapshot_date=2026-11-20/p1/20261120T060000Z-p0001.json",
        "transformed/songs/snapshot_date=2026-11-20/songs.parquet",
        "state/extraction.json",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_rewrite_in_a_top_folder_on_another_file_system_replaces_the_object_whole(int seed)
    {
        Assert.True(_elsewhere is not null, "no folder on another file system than the tests' temporary folder: /dev/shm and the checkout's artifacts/ are on it");
        var random = new Random(seed);
        foreach (var top in new[] { "raw", "transformed", "state", "quarantine" })
        {
            Directory.CreateDirectory(Path.Combine(_elsewhere!, top));
            Directory.CreateSymbolicLink(_folder[top], Path.Combine(_elsewhere!, top));
        }
        var store = new LocalFolderStore(_folder.Path);

        foreach (var key in Keys)
        {
            var old = Bytes(random);
            var next = Bytes(random);
            await Write(store, key, old, random);
            using var reader = new FileStream(_folder[key], FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

            await Write(store, key, next, random);

            Assert.True(old.AsSpan().SequenceEqual(ReadToEnd(reader)), $"{key}: a reader holding the object read other bytes once it was rewritten");
            var stored = await store.ReadAllBytesAsync(key);
            Assert.True(next.AsSpan().SequenceEqual(stored), key);
        }

        // The copy into quarantine/, on the other file system too.
        var quarantined = "quarantine/" + Keys[0];
        await store.CopyAsync(Keys[0], quarantined);
        using (var reader = new FileStream(_folder[quarantined], FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            var before = await store.ReadAllBytesAsync(quarantined);
            await store.CopyAsync(Keys[1], quarantined);
            Assert.True(before.AsSpan().SequenceEqual(ReadToEnd(reader)), "a reader holding the quarantined copy read other bytes once it was copied again");
        }

        // Each top folder lists its objects alone, no temporary folder among them.
        foreach (var key in Keys.Append(quarantined))
        {
            var top = key[..(key.IndexOf('/') + 1)];
            Assert.Equal(key, Assert.Single(await store.ListAsync(top).ToListAsync()));
        }
        Assert.Empty(TemporaryFilesLeft());
    }

    [Fact]
    public void A_temporary_file_a_killed_writer_left_in_a_top_folder_on_another_file_system_is_removed_and_nothing_else_there()
    {
        Assert.True(_elsewhere is not null, "no folder on another file system than the tests' temporary folder");
        var own = Path.Combine(_elsewhere!, "transformed", LocalFolderStore.TemporaryFolder);
        Directory.CreateDirectory(own);
        Directory.CreateSymbolicLink(_folder["transformed"], Path.Combine(_elsewhere!, "transformed"));
        // A writer that is gone: a process id no system hands out.
        var left = Path.Combine(own, $"2147483646.1-{Guid.NewGuid():N}.tmp");
        File.WriteAllText(left, "half a table");
        // A folder of that name may be a user's own, in a lake made in a folder that held other files: only the tool's
        // names go, whatever the folder holds besides.
        string[] theirs = ["notes.txt", "draft.tmp", $"2147483646.1-{Guid.NewGuid():N}.txt", "2147483646.1-not-a-guid.tmp", $"x.1-{Guid.NewGuid():N}.tmp"];
        foreach (var name in theirs)
        {
            File.WriteAllText(Path.Combine(own, name), "a user's");
        }
        Directory.CreateDirectory(_folder[$"notes/{LocalFolderStore.TemporaryFolder}"]);
        File.WriteAllText(_folder[$"notes/{LocalFolderStore.TemporaryFolder}/todo.txt"], "a user's");

        Assert.Equal(1, new LocalFolderStore(_folder.Path).RemoveStaleTemporaryFiles());
        Assert.False(File.Exists(left));
        Assert.All(theirs, name => Assert.True(File.Exists(Path.Combine(own, name)), name));
        Assert.True(File.Exists(_folder[$"notes/{LocalFolderStore.TemporaryFolder}/todo.txt"]));
    }

    [Fact]
    public void The_mount_a_path_is_on_is_the_one_the_system_lists_for_it()
    {
        // /proc/self/mountinfo: each line a mount's id, its parent's, the device, the root and the mount point.
        var mounts = File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Select(fields => (Id: ulong.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture), Point: fields[4].Replace("\\040", " ", StringComparison.Ordinal)))
            .ToList();
        foreach (var path in new[] { _folder.Path, RepositoryPaths.Root, "/dev/shm", "/proc/self", "/" }.Where(Directory.Exists))
        {
            var real = new DirectoryInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
            // The last mount listed at the longest mount point above the path is the one it is on.
            var mount = mounts.Where(m => real == m.Point || real.StartsWith(m.Point.TrimEnd('/') + "/", StringComparison.Ordinal))
                .OrderBy(m => m.Point.Length).Last();
            Assert.Equal(mount.Id, LocalEntry.Stat(path, followLinks: true)!.Value.Mount);
        }
    }

    private static byte[] Bytes(Random random)
    {
        var bytes = new byte[random.Next(1, 300_000)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Through either way the store writes: a whole stream, or a writer's callback.</summary>
    private static Task Write(LocalFolderStore store, string key, byte[] bytes, Random random) => random.Next(2) == 0
        ? store.PutAsync(key, new MemoryStream(bytes), "application/octet-stream")
        : store.WriteAsync(key, stream => stream.Write(bytes), bytes.Length, "application/octet-stream");

    private static byte[] ReadToEnd(FileStream reader)
    {
        using var copy = new MemoryStream();
        reader.CopyTo(copy);
        return copy.ToArray();
    }

    private List<string> TemporaryFilesLeft() =>
        new[] { _folder.Path, _elsewhere! }
            .SelectMany(root => Directory.EnumerateFiles(root, "*.tmp", SearchOption.AllDirectories))
            .ToList();
}
