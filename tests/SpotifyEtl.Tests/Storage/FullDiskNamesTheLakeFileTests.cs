using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// A write of the local lake that fails on its disk (full, or failing) is reported against the lake's file it was writing,
/// never against the temporary file its bytes went to first, which is gone by the time the message is read.
/// </summary>
public sealed class FullDiskNamesTheLakeFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Keys of every kind the lake writes (a table's partition, a run's report, a raw page), a write way each, and an error.</summary>
    public static TheoryData<string, bool, int> Cases()
    {
        var random = new Random(74);
        var data = new TheoryData<string, bool, int>();
        for (var i = 0; i < 12; i++)
        {
            var day = new DateOnly(2026, 1, 1).AddDays(random.Next(0, 365));
            var table = TableNames.Published[random.Next(TableNames.Published.Count)];
            var format = random.Next(2) == 0 ? "parquet" : "csv";
            var key = (i % 3) switch
            {
                0 => $"{LakeLayout.Transformed}{LakeLayout.Partition(table, day)}{table}.{format}",
                1 => LakeLayout.ReportKey(day, $"{day:yyyyMMdd}T060000Z"),
                _ => $"{LakeLayout.Raw}recently_played/{LakeLayout.SnapshotSegment(day)}/me/{day:yyyyMMdd}T060000Z-p0001.json",
            };
            data.Add(key, random.Next(2) == 0, i % 4 == 3 ? InputOutputError : NoSpace);
        }
        return data;
    }

    private const int NoSpace = 28;
    private const int InputOutputError = 5;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_write_the_disk_refuses_is_reported_against_the_lake_file_with_what_to_do(string key, bool streamed, int errno)
    {
        var store = new LocalFolderStore(_folder.Path);
        var lakeFile = _folder[key];

        var failure = await Assert.ThrowsAnyAsync<IOException>(() => streamed
            ? store.WriteAsync(key, file => throw Refusal(file, errno), 16, "application/octet-stream")
            : store.PutAsync(key, new RefusingContent(errno), "application/octet-stream"));
        using var errors = new StringWriter();
        var exit = CliErrors.Report(failure, errors);

        var line = errors.ToString().Trim();
        Assert.Equal(ExitCodes.IoError, exit);
        Assert.Contains($"Cannot write {lakeFile}: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(_folder[LocalFolderStore.TemporaryFolder]), file => file.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.False(File.Exists(lakeFile), "nothing half-written is left where the lake file goes");
        if (errno == NoSpace)
        {
            Assert.Contains("No space left on device.", line, StringComparison.Ordinal);
            // How much the disk has free, and what to do about it.
            Assert.Matches(@"That disk has [\d.,]+ (bytes|KiB|MiB|GiB|TiB) free\. Free space on that disk", line);
        }
        else
        {
            Assert.Contains("Input/output error.", line, StringComparison.Ordinal);
            Assert.DoesNotContain("free", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_copy_onto_a_really_full_disk_names_the_lake_file_though_the_system_names_none()
    {
        // .NET's copy of a file says "No space left on device" without a path: a landing (transform --input, where the
        // unnamed-file landing cannot be used) and a copy within the lake (a quarantine) are told by what they wrote.
        using var disk = new SmallDisk(_folder["disk"], "1m");
        var store = new LocalFolderStore(_folder["disk/lake"]);
        var source = _folder["page.json"];
        await File.WriteAllBytesAsync(source, new byte[2 << 20]);
        var landed = $"{LakeLayout.Raw}recently_played/snapshot_date=2026-03-04/me/20260304T060000Z-p0001.json";
        await store.PutBytesAsync($"{LakeLayout.Raw}kept.json", new byte[600 << 10], "application/json");
        var copied = $"quarantine/{LakeLayout.Raw}kept.json";

        foreach (var (key, write) in new (string, Func<Task>)[]
        {
            (landed, () => Task.Run(() => store.Land(landed, source))),
            (copied, () => store.CopyAsync($"{LakeLayout.Raw}kept.json", copied)),
        })
        {
            var failure = await Assert.ThrowsAnyAsync<IOException>(write);
            using var errors = new StringWriter();
            Assert.Equal(ExitCodes.IoError, CliErrors.Report(failure, errors));
            var line = errors.ToString().Trim();
            Assert.Contains($"Cannot write {_folder[Path.Combine("disk/lake", key)]}: No space left on device.", line, StringComparison.Ordinal);
            Assert.Matches(@"That disk has [\d.,]+ (bytes|KiB|MiB|GiB|TiB) free\. Free space on that disk", line);
            Assert.False(File.Exists(_folder[Path.Combine("disk/lake", key)]), $"{key}: nothing half-written is left");
        }
    }

    /// <summary>
    /// A mark of the lake replaced whole (<see cref="DurableFile.Replace"/>: an unfinished transform's or import's, the first
    /// write of those verbs) on a disk that is full: named by its own path with the disk's free space, as a table's write is,
    /// the file it replaces left as it was, and no <c>.new</c> file beside it, where the error named that file and left it.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_mark_replaced_on_a_full_disk_is_named_and_leaves_the_file_it_replaces_and_nothing_beside_it(int seed)
    {
        var random = new Random(seed);
        using var disk = new SmallDisk(_folder["disk"], "1m");
        var name = random.Next(2) == 0 ? "unfinished-transform.txt" : "unfinished-import.txt";
        var path = _folder[$"disk/lake/{LakeLayout.State}{name}"];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        byte[]? before = random.Next(2) == 0 ? null : System.Text.Encoding.UTF8.GetBytes($"2026-0{random.Next(1, 10)}-1{random.Next(10)}T06:00:00Z\n");
        if (before is not null)
        {
            File.WriteAllBytes(path, before);
        }
        try
        {
            using var filler = File.Create(_folder["disk/filler"]);
            filler.Write(new byte[2 << 20]);
            filler.Flush();
        }
        catch (IOException)
        {
            // The disk is full.
        }

        var failure = Assert.ThrowsAny<IOException>(() => DurableFile.Replace(path, new byte[random.Next(1, 64 << 10)]));
        using var errors = new StringWriter();
        var exit = CliErrors.Report(failure, errors);

        var line = errors.ToString().Trim();
        Assert.Equal(ExitCodes.IoError, exit);
        Assert.Contains($"Cannot write {path}: No space left on device.", line, StringComparison.Ordinal);
        Assert.Matches(@"That disk has [\d.,]+ (bytes|KiB|MiB|GiB|TiB) free\. Free space on that disk", line);
        Assert.DoesNotContain(".new", line, StringComparison.Ordinal);
        Assert.Equal(before is null ? [] : [name], Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        Assert.Equal(before, File.Exists(path) ? File.ReadAllBytes(path) : null);
    }

    /// <summary>
    /// A tmpfs of the given size mounted on a folder, unmounted at the end: as root in the process, otherwise through sudo
    /// without a password (as on GitHub's runners); a user who can do neither cannot run this test, and it says so.
    /// </summary>
    private sealed class SmallDisk : IDisposable
    {
        private readonly string _folder;

        public SmallDisk(string folder, string size)
        {
            _folder = folder;
            Directory.CreateDirectory(folder);
            Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", folder);
        }

        public void Dispose() => Run("umount", _folder);

        private static void Run(params string[] arguments)
        {
            var root = Environment.UserName == "root";
            var start = new System.Diagnostics.ProcessStartInfo(root ? arguments[0] : "sudo") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in root ? arguments.Skip(1) : arguments.Prepend("-n"))
            {
                start.ArgumentList.Add(argument);
            }
            using var process = System.Diagnostics.Process.Start(start)!;
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{string.Join(' ', arguments)} takes root or sudo without a password: {errors}");
        }
    }

    /// <summary>The error .NET raises when a write to <paramref name="file"/> fails: the system's words and the file's path.</summary>
    private static IOException Refusal(Stream file, int errno) =>
        new($"{(errno == NoSpace ? "No space left on device" : "Input/output error")} : '{((FileStream)file).Name}'", errno);

    /// <summary>Content whose copy into the object's file fails as a full (or failing) disk makes it fail.</summary>
    private sealed class RefusingContent(int errno) : MemoryStream(new byte[4096])
    {
        public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
        {
            destination.Write(new byte[1024]);
            throw Refusal(destination, errno);
        }
    }
}
