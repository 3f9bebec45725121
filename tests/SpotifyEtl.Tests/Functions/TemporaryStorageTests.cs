using System.Text.Json;
using System.Text.Json.Nodes;
using SpotifyEtl.Functions;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// A dropped export's zip is copied to the function's temporary storage to be read. One that cannot fit would fail the
/// same way on every retry: it is skipped with a warning naming its size, the free space and the setting to raise, and
/// the invocation succeeds.
/// </summary>
public sealed class TemporaryStorageTests : IDisposable
{
    private const string RawBucket = "spotify-stack-raw";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "spotify-etl-tmpstore-" + Guid.NewGuid().ToString("N"));
    private readonly LocalFolderStore _raw;
    private readonly LocalFolderStore _lake;
    private readonly string _temp;
    private readonly StringWriter _log = new();

    public TemporaryStorageTests()
    {
        _raw = new LocalFolderStore(Path.Combine(_root, "raw-bucket"));
        _lake = new LocalFolderStore(Path.Combine(_root, "transformed-bucket"));
        _temp = Directory.CreateDirectory(Path.Combine(_root, "tmp")).FullName;
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public async Task An_export_zip_larger_than_the_free_temporary_storage_is_skipped_with_its_reason_and_the_invocation_succeeds(int seed, bool sizeInEvent)
    {
        var zips = await DropExportAsync(seed);
        var free = new Random(seed).NextInt64(1, zips.Min(z => z.Size));
        var function = new TransformFunction(_raw, _lake, RawBucket, _log) { Temporary = new TemporaryStorage(_temp, _ => free) };

        using var output = await function.HandleAsync(TransformFunctionTests.ToStream(Event(zips, sizeInEvent)), CancellationToken.None);

        var lines = LogLines();
        foreach (var (key, size) in zips)
        {
            var line = Assert.Single(lines, l => l.GetProperty("event").GetString() == ImportLog.FileEvent && l.GetProperty("input").GetString() == key);
            Assert.Equal("warn", line.GetProperty("level").GetString());
            var reason = line.GetProperty("reason").GetString()!;
            Assert.Contains($"it is {ImportLimits.Size(size)}", reason, StringComparison.Ordinal);
            Assert.Contains($"({ImportLimits.Size(free)} free;", reason, StringComparison.Ordinal);
            Assert.Contains("transformEphemeralStorageMb", reason, StringComparison.Ordinal);
        }
        var completed = Assert.Single(lines, l => l.GetProperty("event").GetString() == ImportLog.CompletedEvent);
        Assert.Equal(zips.Count, completed.GetProperty("skipped_files").GetInt32());
        Assert.Equal(0, completed.GetProperty("landed_files").GetInt32());
        Assert.DoesNotContain(lines, l => l.GetProperty("event").GetString() == "transform_failed");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp));
        Assert.Equal("transform_completed", JsonDocument.Parse(output).RootElement.GetProperty("event").GetString());
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task An_export_zip_that_fits_in_the_free_temporary_storage_is_imported(int seed)
    {
        var zips = await DropExportAsync(seed);
        var function = new TransformFunction(_raw, _lake, RawBucket, _log) { Temporary = new TemporaryStorage(_temp, _ => zips.Max(z => z.Size)) };

        using var output = await function.HandleAsync(TransformFunctionTests.ToStream(Event(zips, sizeInEvent: true)), CancellationToken.None);

        var completed = Assert.Single(LogLines(), l => l.GetProperty("event").GetString() == ImportLog.CompletedEvent);
        Assert.True(completed.GetProperty("landed_files").GetInt32() > 0);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    public async Task A_disk_full_error_while_the_zip_is_copied_skips_it_with_the_same_reason(int seed)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // Linux's always-full device is what makes the copy fail for real; Lambda runs Linux.
        }
        Assert.True(File.Exists("/dev/full"), "/dev/full, Linux's always-full device, is missing (a container without it?): these cases cannot fill a disk.");
        var zips = await DropExportAsync(seed);
        // The free space measured says it fits; the device then fills up (another copy, say) and the write fails with ENOSPC.
        var function = new TransformFunction(_raw, _lake, RawBucket, _log)
        {
            Temporary = new TemporaryStorage(_temp, _ => 1L << 40) { Create = _ => new FileStream("/dev/full", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1 << 16) },
        };

        using var output = await function.HandleAsync(TransformFunctionTests.ToStream(Event(zips, sizeInEvent: true)), CancellationToken.None);

        var lines = LogLines();
        foreach (var (key, size) in zips)
        {
            var line = Assert.Single(lines, l => l.GetProperty("event").GetString() == ImportLog.FileEvent && l.GetProperty("input").GetString() == key);
            Assert.Equal("warn", line.GetProperty("level").GetString());
            Assert.Contains($"does not fit in the function's temporary storage", line.GetProperty("reason").GetString()!, StringComparison.Ordinal);
            Assert.Contains($"(the storage filled up during the copy; it is {ImportLimits.Size(size)})", line.GetProperty("reason").GetString()!, StringComparison.Ordinal);
            Assert.Contains("transformEphemeralStorageMb", line.GetProperty("reason").GetString()!, StringComparison.Ordinal);
            // What mends it reaches the stack's table: a local import would fill a laptop's lake, not this one.
            Assert.Contains("upload its history files unzipped", line.GetProperty("reason").GetString()!, StringComparison.Ordinal);
            Assert.DoesNotContain("spotify-etl", line.GetProperty("reason").GetString()!, StringComparison.Ordinal);
        }
        Assert.Equal(zips.Count, Assert.Single(lines, l => l.GetProperty("event").GetString() == ImportLog.CompletedEvent).GetProperty("skipped_files").GetInt32());
        Assert.DoesNotContain(lines, l => l.GetProperty("event").GetString() == "transform_failed");
    }

    /// <summary>
    /// Zip copies left in the temporary storage by processes that ended (stopped by the function's time limit or its memory,
    /// which Lambda keeps for the next process of the environment) are removed before the free space is measured: the retry
    /// of the import they belonged to imports its zip, where it had been told the zip does not fit and succeeded without it.
    /// A copy of a process that runs, and every other file, stay.
    /// </summary>
    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    public async Task Zip_copies_left_by_a_stopped_process_are_removed_and_a_retry_imports_its_zip(int seed)
    {
        var random = new Random(seed);
        var zips = await DropExportAsync(seed);
        // Named as the processes that wrote them name their copies: by their id and the instant they started.
        var gone = Enumerable.Range(0, 4_000_000).Select(i => 4_194_303 - i).First(pid => !Directory.Exists($"/proc/{pid}"));
        var leftovers = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Path.Combine(_temp,
            $"{gone}.{random.NextInt64(1, long.MaxValue)}-{Guid.NewGuid():N}.tmp")).ToList();
        // Copies of the same export, as the import stopped left them, the first one whole.
        for (var i = 0; i < leftovers.Count; i++)
        {
            var zip = zips[random.Next(zips.Count)].Size;
            File.WriteAllBytes(leftovers[i], new byte[i == 0 ? zips.Sum(z => z.Size) : random.NextInt64(1, zip)]);
        }
        var others = new[] { Path.Combine(_temp, "import-notes.txt"), Path.Combine(_temp, "other-tool.zip") };
        foreach (var other in others)
        {
            File.WriteAllBytes(other, new byte[random.Next(1, 1024)]);
        }
        // A copy of another process that runs: it stays.
        using var running = System.Diagnostics.Process.Start("sleep", "60")!;
        var held = Path.Combine(_temp, $"{running.Id}.{SpotifyEtl.Storage.TemporaryFiles.StartOf(running.Id)}-{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(held, new byte[random.Next(1, 1024)]);
        // The storage holds the export's zips (read together) beside what is kept, and not beside the leftovers too.
        var capacity = zips.Sum(z => z.Size) + new FileInfo(held).Length + others.Sum(o => new FileInfo(o).Length);
        long Free(string folder) => capacity - Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
        Assert.True(Free(_temp) < zips.Min(z => z.Size), "the leftovers leave too little room for any zip");

        try
        {
            var function = new TransformFunction(_raw, _lake, RawBucket, _log) { Temporary = new TemporaryStorage(_temp, Free) };
            using var output = await function.HandleAsync(TransformFunctionTests.ToStream(Event(zips, sizeInEvent: random.Next(2) == 0)), CancellationToken.None);
        }
        finally
        {
            running.Kill();
        }

        var completed = Assert.Single(LogLines(), l => l.GetProperty("event").GetString() == ImportLog.CompletedEvent);
        Assert.Equal(0, completed.GetProperty("skipped_files").GetInt32());
        Assert.True(completed.GetProperty("landed_files").GetInt32() > 0);
        Assert.DoesNotContain(LogLines(), l => l.GetProperty("event").GetString() == ImportLog.FileEvent
            && l.GetProperty("reason").GetString()!.Contains("does not fit", StringComparison.Ordinal));
        Assert.All(leftovers, leftover => Assert.False(File.Exists(leftover), leftover));
        Assert.True(File.Exists(held), "a copy of a process that runs stays");
        Assert.All(others, other => Assert.True(File.Exists(other), other));
    }

    [Fact]
    public void The_default_measure_reads_the_free_space_of_the_system_temporary_folder()
    {
        var free = TemporaryStorage.Default.Free();

        Assert.Equal(Path.GetTempPath(), TemporaryStorage.Default.Folder);
        Assert.NotNull(free);
        Assert.True(free > 0, $"{free} bytes free in {TemporaryStorage.Default.Folder}");
        // Measured where the zip goes, not on some other mount: a folder inside it reads the same device.
        Assert.Equal(free.Value, new TemporaryStorage(_temp, TemporaryStorage.Default.FreeBytes).Free()!.Value, (double)(64L << 20));
    }

    private async Task<List<(string Key, long Size)>> DropExportAsync(int seed)
    {
        var export = SampleExport.Write(new SampleExportOptions(200 + (seed * 37), seed));
        var zips = new List<(string Key, long Size)>();
        foreach (var (name, zip) in export.Zips)
        {
            var key = $"{LakeLayout.Import}export {seed}/{name}";
            await _raw.PutBytesAsync(key, zip, "application/zip");
            zips.Add((key, zip.LongLength));
        }
        return zips;
    }

    /// <summary>The bucket's notification of the zips, with their sizes as S3 gives them, or without (the object's length is used).</summary>
    private static string Event(List<(string Key, long Size)> zips, bool sizeInEvent)
    {
        var node = JsonNode.Parse(TransformFunctionTests.S3Event(zips.Select(z => (RawBucket, TransformFunctionTests.Encode(z.Key)))))!;
        var records = node["Records"]!.AsArray();
        for (var i = 0; i < zips.Count; i++)
        {
            var obj = records[i]!["s3"]!["object"]!.AsObject();
            obj.Remove("size");
            if (sizeInEvent)
            {
                obj["size"] = zips[i].Size;
            }
        }
        return node.ToJsonString();
    }

    private List<JsonElement> LogLines() =>
        _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    public void Dispose()
    {
        _log.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
