using System.Text;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// The local lake never shows a temporary file among its objects, tidies what a killed process left,
/// and lands a quarantine copy and its reason together or not at all.
/// </summary>
public sealed class LocalLakeAtomicityTests : IDisposable
{
    private const string Table = "transformed/songs/snapshot_date=2026-11-20/songs.parquet";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task While_an_object_is_being_written_its_bytes_are_under_the_hidden_tmp_folder_and_nothing_is_beside_the_object()
    {
        var store = new LocalFolderStore(_folder.Path);
        await store.PutTextAsync(Table, "old", "text/plain");
        string[] beside = [];
        string[] hidden = [];
        using var content = new WatchedStream(Encoding.UTF8.GetBytes("new bytes"), () =>
        {
            beside = Directory.GetFiles(Path.GetDirectoryName(_folder[Table])!);
            hidden = Directory.GetFiles(_folder[LocalFolderStore.TemporaryFolder]);
        });

        await store.PutAsync(Table, content, "application/octet-stream");

        Assert.Equal([_folder[Table]], beside);
        Assert.Single(hidden);
        Assert.StartsWith($"{Environment.ProcessId}.", Path.GetFileName(hidden[0]), StringComparison.Ordinal);
        Assert.Equal("new bytes", await store.ReadAllTextAsync(Table));
        Assert.Empty(Directory.GetFiles(_folder[LocalFolderStore.TemporaryFolder]));
        Assert.Equal([Table], await ListAsync(store, ""));
    }

    [Fact]
    public async Task While_a_writer_writes_an_object_the_old_one_stands_and_the_new_bytes_go_under_the_hidden_tmp_folder()
    {
        var store = new LocalFolderStore(_folder.Path);
        await store.PutTextAsync(Table, "old", "text/plain");
        string? during = null;
        string[] beside = [];
        long hiddenBytes = 0;

        await store.WriteAsync(Table, stream =>
        {
            stream.Write(new byte[200_000]);
            stream.Flush();
            during = File.ReadAllText(_folder[Table]);
            beside = Directory.GetFiles(Path.GetDirectoryName(_folder[Table])!);
            hiddenBytes = Directory.GetFiles(_folder[LocalFolderStore.TemporaryFolder]).Sum(path => new FileInfo(path).Length);
            stream.Write("end"u8);
        }, 16, "application/octet-stream");

        Assert.Equal("old", during);
        Assert.Equal([_folder[Table]], beside);
        Assert.Equal(200_000, hiddenBytes);
        Assert.Equal(200_003, (await store.ReadAllBytesAsync(Table)).Length);
        Assert.Empty(Directory.GetFiles(_folder[LocalFolderStore.TemporaryFolder]));
        Assert.Equal([Table], await ListAsync(store, ""));
    }

    [Fact]
    public async Task A_writer_that_fails_leaves_no_temporary_file_behind()
    {
        var store = new LocalFolderStore(_folder.Path);
        await store.PutTextAsync(Table, "old", "text/plain");

        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync(Table, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new IOException("disk full");
        }, 16, "application/octet-stream"));

        Assert.Empty(Directory.GetFiles(_folder[LocalFolderStore.TemporaryFolder]));
        Assert.Equal("old", await store.ReadAllTextAsync(Table));
    }

    [Fact]
    public async Task Stale_temporary_files_of_gone_processes_are_removed_and_those_of_running_ones_are_kept()
    {
        var store = new LocalFolderStore(_folder.Path);
        await store.PutTextAsync(Table, "table", "text/plain");
        var gone = _folder[$".tmp/999999999-{Guid.NewGuid():N}.tmp"];
        var running = _folder[$".tmp/{Environment.ProcessId}-{Guid.NewGuid():N}.tmp"];
        var beside = _folder[$"{Table}.{Guid.NewGuid():N}.tmp"];
        foreach (var path in new[] { gone, running, beside })
        {
            await File.WriteAllTextAsync(path, "partial");
        }

        Assert.Equal(2, store.RemoveStaleTemporaryFiles());

        Assert.False(File.Exists(gone));
        Assert.False(File.Exists(beside));
        Assert.True(File.Exists(running), "a running process's file is still being written");
        Assert.Equal("table", await store.ReadAllTextAsync(Table));
    }

    [Fact]
    public async Task A_file_this_running_process_writes_survives_other_processes_opening_the_lake()
    {
        // This process writes as a transform does; other spotify-etl processes open the same lake meanwhile and tidy
        // it. Each works out this process's start for itself, and must come to the very stamp its name carries. The lake
        // is a whole one: `current` opens it for writing, and tidies it, only once its tables were read.
        Assert.Equal(0, Cli.DemoCommandTests.RunCli("sample", "--out", _folder.Path, "--days", "2", "--items", "40").ExitCode);
        Assert.Equal(0, Cli.DemoCommandTests.RunCli("transform", "--lake", _folder.Path).ExitCode);
        var writing = _folder[$".tmp/{TemporaryFiles.NewName()}"];
        await File.WriteAllTextAsync(writing, "being written");
        var gone = _folder[$".tmp/999999999.1-{Guid.NewGuid():N}.tmp"];
        await File.WriteAllTextAsync(gone, "partial");

        for (var other = 0; other < 4; other++)
        {
            var run = Cli.DemoCommandTests.RunCli("current", "--lake", _folder.Path);

            Assert.True(File.Exists(writing), $"process {other + 1} removed the file of a process that still runs ({run.Errors.Trim()})");
        }
        Assert.False(File.Exists(gone), "the file of a process that is gone is removed");
    }

    [Fact]
    public async Task The_lake_is_searched_for_files_beside_their_targets_once_not_at_every_open()
    {
        var store = new LocalFolderStore(_folder.Path);
        await store.PutTextAsync(Table, "table", "text/plain");
        var first = _folder[$"{Table}.{Guid.NewGuid():N}.tmp"];
        await File.WriteAllTextAsync(first, "partial");

        Assert.Equal(1, store.RemoveStaleTemporaryFiles());
        // This version writes only under .tmp/: a later open looks there alone, however many files the lake holds.
        var later = _folder[$"{Table}.{Guid.NewGuid():N}.tmp"];
        await File.WriteAllTextAsync(later, "partial");
        var gone = _folder[$".tmp/999999999-{Guid.NewGuid():N}.tmp"];
        await File.WriteAllTextAsync(gone, "partial");

        Assert.Equal(1, new LocalFolderStore(_folder.Path).RemoveStaleTemporaryFiles());
        Assert.False(File.Exists(gone));
        Assert.True(File.Exists(later));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_key_with_an_empty_dot_or_dot_dot_segment_or_in_the_tmp_folder_is_refused_and_any_other_is_stored(int seed)
    {
        var random = new Random(seed);
        string[] parts = ["", ".", "..", ".tmp", "raw", "a.b", "..x", "x..", "tmp", ".tmpx", "snapshot_date=2026-11-20", "p0001.json"];
        for (var i = 0; i < 80; i++)
        {
            var segments = Enumerable.Range(0, random.Next(1, 5)).Select(_ => parts[random.Next(parts.Length)]).ToArray();
            var key = string.Join('/', segments);
            var valid = segments.All(segment => segment is not ("" or "." or "..")) && segments[0] != ".tmp";
            // A store of its own per key: one key's file is never another's folder.
            var store = new LocalFolderStore(Path.Combine(_folder.Path, $"{i}"));

            var put = store.PutTextAsync(key, $"{{\"key\": {i}}}", "application/json");

            if (valid)
            {
                await put;
                Assert.Equal($"{{\"key\": {i}}}", await store.ReadAllTextAsync(key));
            }
            else
            {
                await Assert.ThrowsAsync<ArgumentException>(() => put);
                await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAllTextAsync(key));
            }
        }
    }

    [Fact]
    public async Task The_tmp_folder_is_no_key()
    {
        var store = new LocalFolderStore(_folder.Path);

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutTextAsync(".tmp/x.json", "{}", "application/json"));
    }

    [Fact]
    public async Task A_quarantine_whose_copy_fails_leaves_neither_the_copy_nor_its_reason()
    {
        var store = new LocalFolderStore(_folder.Path);
        var key = new RawObjectKey(RawSource.TopTracks, new DateOnly(2026, 11, 20), "short_term", "20261120T060000Z", 1).ToString();
        await store.PutTextAsync(key, "{\"items\": [", "application/json");
        var full = new FullDiskStore(store);

        var error = await Assert.ThrowsAsync<IOException>(() => new TransformPipeline(full, store).TransformAsync([key]));

        Assert.Contains("No space left", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder[LakeLayout.QuarantineKey(key)]));
        Assert.False(File.Exists(_folder[LakeLayout.QuarantineKey(key) + LakeLayout.ReasonSuffix]));
        Assert.Empty(await ListAsync(store, LakeLayout.Quarantine));

        // Once there is room again the same object is quarantined whole.
        var report = await new TransformPipeline(store, store).TransformAsync([key]);
        Assert.Equal(1, report.Quarantined);
        Assert.Equal(await store.ReadAllBytesAsync(key), await store.ReadAllBytesAsync(LakeLayout.QuarantineKey(key)));
        Assert.Contains("not valid JSON", await store.ReadAllTextAsync(LakeLayout.QuarantineKey(key) + LakeLayout.ReasonSuffix), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Where_deletes_are_refused_as_on_S3_a_failed_quarantine_copy_reports_its_own_error_and_a_retry_completes_the_pair()
    {
        var store = new LocalFolderStore(_folder.Path);
        var key = new RawObjectKey(RawSource.TopTracks, new DateOnly(2026, 11, 20), "short_term", "20261120T060000Z", 1).ToString();
        await store.PutTextAsync(key, "{\"items\": [", "application/json");
        var role = new DeletesOnlyTableFilesStore(new FullDiskStore(store));

        var error = await Assert.ThrowsAsync<IOException>(() => new TransformPipeline(role, store).TransformAsync([key]));

        // The copy's failure, not the refused delete of its reason; the raw object is untouched.
        Assert.Contains("No space left", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, role.Refused);
        Assert.False(File.Exists(_folder[LakeLayout.QuarantineKey(key)]));
        Assert.Equal("{\"items\": [", await store.ReadAllTextAsync(key));

        // The reason left alone is rewritten with its copy once the copy can be made.
        var report = await new TransformPipeline(new DeletesOnlyTableFilesStore(store), store).TransformAsync([key]);
        Assert.Equal(1, report.Quarantined);
        Assert.Equal(await store.ReadAllBytesAsync(key), await store.ReadAllBytesAsync(LakeLayout.QuarantineKey(key)));
        Assert.Contains("not valid JSON", await store.ReadAllTextAsync(LakeLayout.QuarantineKey(key) + LakeLayout.ReasonSuffix), StringComparison.Ordinal);
    }

    private static async Task<List<string>> ListAsync(LocalFolderStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(prefix))
        {
            keys.Add(key);
        }
        return keys;
    }

    /// <summary>A lake whose disk fills up during a copy: the copy fails as the file system fails it.</summary>
    /// <summary>The functions' role: a delete anywhere but under <c>transformed/</c> is refused, as S3 refuses it with AccessDenied.</summary>
    private sealed class DeletesOnlyTableFilesStore(IObjectStore inner) : ForwardingStore(inner)
    {
        public int Refused { get; private set; }

        public override Task DeleteAsync(string key, CancellationToken cancellationToken = default)
        {
            if (key.StartsWith(LakeLayout.Transformed, StringComparison.Ordinal))
            {
                return base.DeleteAsync(key, cancellationToken);
            }
            Refused++;
            throw new UnauthorizedAccessException($"Access Denied: s3:DeleteObject on {key}");
        }
    }

    private sealed class FullDiskStore(IObjectStore inner) : ForwardingStore(inner)
    {
        public override Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default) =>
            throw new IOException("No space left on device");
    }

    /// <summary>Bytes that call back once, in the middle of being read: what the folder looks like mid-write.</summary>
    private sealed class WatchedStream(byte[] bytes, Action midway) : MemoryStream(bytes)
    {
        private bool _called;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            if (!_called && read > 0)
            {
                _called = true;
                midway();
            }
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, count);
            if (!_called && read > 0)
            {
                _called = true;
                midway();
            }
            return read;
        }
    }
}
