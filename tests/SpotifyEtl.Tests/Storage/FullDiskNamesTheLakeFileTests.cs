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
