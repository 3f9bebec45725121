using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Import;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// A lake whose table format changes (a stack whose tableFormat moved, a user who switched): whatever writes a table's file
/// in the new format (a replayed day, its duplicate running at once, the current-state tables, an import) deletes the
/// same file of the old format beside it, on the local lake and on S3, and nothing under raw/.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class FormatSwitchTests(FauxqsServer server) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();
    private readonly Support.TempFolder _folder = new();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_day_written_again_in_the_other_format_keeps_no_file_of_the_first_beside_it_locally_and_on_S3(int seed)
    {
        var random = new Random(seed);
        var first = random.Next(2) == 0 ? TableFormat.Parquet : TableFormat.Csv;
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(_folder[$"source{seed}"]), seed);
        var days = sample.Days.Keys.ToList();
        // Some of the days, at least one, written again; twice at once (a duplicate invocation) or not.
        var replayed = days.Where(_ => random.Next(2) == 0).DefaultIfEmpty(days[random.Next(days.Count)]).ToList();
        var twice = random.Next(2) == 0;

        await SwitchAsync(new LocalFolderStore(_folder[$"local{seed}"]), new LocalFolderStore(_folder[$"local{seed}"]), stageRuns: false);
        await SwitchAsync(new S3ObjectStore(_client, await server.CreateBucketAsync("raw")),
            new S3ObjectStore(_client, await server.CreateBucketAsync("transformed")), stageRuns: true);

        async Task SwitchAsync(IObjectStore raw, IObjectStore lake, bool stageRuns)
        {
            var second = first == TableFormat.Csv ? TableFormat.Parquet : TableFormat.Csv;
            using (LambdaRole.TestLooking()) await HistoryPlaysFollowerTests.CopyAsync(sample, raw, days);
            await new ExportImporter(raw, lake, new ImportOptions { Format = first }).ImportAsync(sample.Export);
            await Transform(raw, lake, first, stageRuns, days);
            var before = await FilesAsync(lake);
            Assert.All(TableFiles(before), key => Assert.EndsWith(first.Extension(), key, StringComparison.Ordinal));
            var rawBefore = await ContentAsync(raw, LakeLayout.Raw);

            await Task.WhenAll(Enumerable.Range(0, twice ? 2 : 1).Select(_ => Task.Run(() => Transform(raw, lake, second, stageRuns, replayed))));

            var after = TableFiles(await FilesAsync(lake));
            var folders = after.GroupBy(key => key[..key.LastIndexOf('/')]).ToList();
            // No partition, and no current-state table, holds both formats.
            Assert.All(folders, folder => Assert.Single(folder.Select(Path.GetExtension).Distinct()));
            foreach (var day in days)
            {
                var segment = $"/{LakeLayout.SnapshotSegment(day)}/";
                var files = after.Where(key => key.Contains(segment, StringComparison.Ordinal)).ToList();
                Assert.NotEmpty(files);
                var expected = replayed.Contains(day) ? second : first;
                Assert.All(files, key => Assert.EndsWith(expected.Extension(), key, StringComparison.Ordinal));
            }
            var current = after.Where(key => key.Count(c => c == '/') == 2).ToList();
            Assert.NotEmpty(current);
            Assert.All(current, key => Assert.EndsWith(second.Extension(), key, StringComparison.Ordinal));
            Assert.Equal(rawBefore, await ContentAsync(raw, LakeLayout.Raw));

            // The import rewrites the whole history in the lake's format: no month keeps the first format's file.
            await new ExportImporter(raw, lake, new ImportOptions { Format = second }).ImportAsync(sample.Export);
            var history = TableFiles(await FilesAsync(lake)).Where(key => key.StartsWith(HistoryPublisher.TablePrefix, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(history);
            Assert.All(history, key => Assert.EndsWith(second.Extension(), key, StringComparison.Ordinal));
        }
    }

    private static async Task Transform(IObjectStore raw, IObjectStore lake, TableFormat format, bool stageRuns, IEnumerable<DateOnly> days)
    {
        var keys = new List<string>();
        await foreach (var key in raw.ListAsync(LakeLayout.Raw))
        {
            if (RawObjectKey.TryParse(key, out var parsed, out _) && days.Contains(parsed.SnapshotDate))
            {
                keys.Add(key);
            }
        }
        await new TransformPipeline(raw, lake, new TransformOptions { Format = format, StageRuns = stageRuns }).TransformAsync(keys);
    }

    /// <summary>The table files among the keys: <c>transformed/{table}/…/{table}.parquet</c> or <c>.csv</c>.</summary>
    private static List<string> TableFiles(IEnumerable<string> keys) =>
        keys.Where(key => key.StartsWith(LakeLayout.Transformed, StringComparison.Ordinal)
                          && Enum.GetValues<TableFormat>().Any(f => key.EndsWith("/" + key.Split('/')[1] + f.Extension(), StringComparison.Ordinal)))
            .ToList();

    private static async Task<List<string>> FilesAsync(IObjectStore lake)
    {
        using var looking = LambdaRole.TestLooking();
        var keys = new List<string>();
        await foreach (var key in lake.ListAsync(LakeLayout.Transformed))
        {
            keys.Add(key);
        }
        return keys;
    }

    private static async Task<SortedDictionary<string, string>> ContentAsync(IObjectStore store, string prefix)
    {
        var content = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var key in store.ListAsync(prefix))
        {
            content[key] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await store.ReadAllBytesAsync(key)));
        }
        return content;
    }

    public void Dispose()
    {
        _client.Dispose();
        _folder.Dispose();
    }
}
