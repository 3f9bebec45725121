using SpotifyEtl.Import;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// A transform builds <c>listening_history</c> whole, as an import of everything writes it, whenever landed export files
/// are not all in the table: after an import that stopped before its table while a transform rebuilt months beside it,
/// and on a lake that has another lake's staging but not its table (a stack moved by copying <c>raw/</c> and
/// <c>staging/</c>; on S3, even when its first whole build stops after a month: <c>StackMovedWithAnExportOnS3Tests</c>). Each
/// had left the table with a few months of years of streams.
/// </summary>
public sealed class UnbuiltExportFilesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private SortedDictionary<string, byte[]> Table(string lake) =>
        new(_folder.Files($"{lake}/{HistoryPublisher.TablePrefix.TrimEnd('/')}").ToDictionary(f => f.Key[(lake.Length + 1)..], f => f.Value), StringComparer.Ordinal);

    private async Task<(HistoryPlaysFollowerTests.Sample Sample, SortedDictionary<string, byte[]> Expected)> ReferenceAsync(int seed)
    {
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(_folder["source"]), seed, streams: 600);
        var reference = new LocalFolderStore(_folder["reference"]);
        await HistoryPlaysFollowerTests.CopyAsync(sample, reference, sample.Days.Keys);
        await new ExportImporter(reference, reference).ImportAsync(sample.Export);
        var expected = Table("reference");
        Assert.True(expected.Count > 6, $"the export spans more months ({expected.Count}) than the days' plays reach");
        return (sample, expected);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(17)]
    [InlineData(29)]
    public async Task Months_rebuilt_beside_an_import_that_then_stops_before_its_table_leave_its_files_for_the_next_transform_to_build(int seed)
    {
        var (sample, expected) = await ReferenceAsync(seed);
        var days = sample.Days.Keys.ToList();
        var lake = new LocalFolderStore(_folder["lake"]);
        await HistoryPlaysFollowerTests.CopyAsync(sample, lake, days);
        // An earlier import of part of the export, built: a transform then follows the API's plays month by month.
        var first = sample.Export.Where((_, i) => i % 3 == 0).ToList();
        Assert.NotEmpty(first);
        Assert.True(first.Count < sample.Export.Count);
        await new ExportImporter(lake, lake).ImportAsync(first);
        Assert.False(await HistoryPlaysFollower.AnyUnbuiltAsync(lake, lake, default));

        // The whole export's import lands its other files and stops before its table (its retries stopped too) ...
        var stopped = new ImportTransformInterleavingTests.StoppedAtTheTableStore(lake);
        await Assert.ThrowsAnyAsync<IOException>(() => new ExportImporter(stopped, stopped).ImportAsync(sample.Export));
        // ... while a transform that had found every landed file built rebuilt the months its day's plays reach.
        var months = new HashSet<long> { HistoryMonths.Start(new DateTimeOffset(days[^1].ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds()) };
        await new HistoryMonthBuilder(lake, lake, TableFormat.Parquet).RebuildAsync(months, default);

        await new TransformPipeline(lake, lake).TransformAsync(sample.Days[days[^1]]);

        FileTreeAssert.Same(expected, Table("lake"), "listening_history");
        Assert.False(await HistoryPlaysFollower.AnyUnbuiltAsync(lake, lake, default), "once built, the files read as built");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(17)]
    public async Task A_lake_given_the_raw_objects_and_staging_but_not_the_table_builds_the_table_whole_on_its_next_transform(int seed)
    {
        var (sample, expected) = await ReferenceAsync(seed);
        await new TransformPipeline(new LocalFolderStore(_folder["reference"]), new LocalFolderStore(_folder["reference"]))
            .TransformAsync(sample.Days.Values.SelectMany(keys => keys));
        FileTreeAssert.Same(expected, Table("reference"), "listening_history");

        // The stack moved with raw/ and staging/ copied and not the table, then a run's manifest notifies the transform.
        var moved = new LocalFolderStore(_folder["moved"]);
        foreach (var (key, bytes) in _folder.Files("reference"))
        {
            var relative = key["reference/".Length..];
            if (relative.StartsWith("raw/", StringComparison.Ordinal) || relative.StartsWith("staging/", StringComparison.Ordinal))
            {
                using (Tests.Storage.LambdaRole.TestLooking()) await moved.PutBytesAsync(relative, bytes, "application/octet-stream");
            }
        }
        Assert.False(Directory.Exists(_folder[$"moved/{HistoryPublisher.TablePrefix}"]), "the table was not copied");
        await new TransformPipeline(moved, moved).TransformAsync(sample.Days[sample.Days.Keys.Last()]);

        FileTreeAssert.Same(expected, Table("moved"), "listening_history");
    }

    /// <summary>Writes the history's first month whole, then fails the others, as a full disk would.</summary>
    internal sealed class StoppedAfterAMonthStore(IObjectStore inner) : ForwardingStore(inner)
    {
        private readonly TaskCompletionSource _firstWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _months;

        public override async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            if (!key.StartsWith(HistoryPublisher.TablePrefix, StringComparison.Ordinal))
            {
                await base.PutAsync(key, content, contentType, cancellationToken);
                return;
            }
            if (Interlocked.Increment(ref _months) == 1)
            {
                await base.PutAsync(key, content, contentType, CancellationToken.None);
                _firstWritten.SetResult();
                return;
            }
            await _firstWritten.Task.WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
            throw new IOException($"{key}: the disk is full");
        }
    }
}
