using System.Text.Json;
using System.Text.Json.Nodes;
using SpotifyEtl.Functions;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Import;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// On an S3-protocol server, through the transform function: an export dropped under import/, then days of API data
/// whose events arrive afterwards, twice, and in parallel invocations. listening_history ends byte for byte as a
/// laptop's import of everything writes it.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class HistoryPlaysOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();
    /// <summary>What the test itself writes and reads, around the function: as the user or the extract function would, not as the transform.</summary>
    private readonly Amazon.S3.AmazonS3Client _admin = server.CreateClient();
    private readonly string _local = Path.Combine(Path.GetTempPath(), "spotify-etl-history-s3-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Plays_transformed_after_an_import_join_the_history_as_a_laptops_import_of_everything_writes_it()
    {
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        var lake = new S3ObjectStore(_admin, settings.TransformedBucket);
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(Path.Combine(_local, "source")), 9);
        var days = sample.Days.Keys.ToList();

        var reference = new LocalFolderStore(Path.Combine(_local, "reference"));
        await HistoryPlaysFollowerTests.CopyAsync(sample, reference, days);
        await new ExportImporter(reference, reference).ImportAsync(sample.Export);

        using var log = new StringWriter();
        string Invoke(IEnumerable<string> keys)
        {
            var notification = TransformFunctionTests.S3Event(keys.Select(k => (settings.RawBucket, TransformFunctionTests.Encode(k))));
            using var output = new TransformFunction(settings, _client, log).RunHandler(TransformFunctionTests.ToStream(notification));
            return new StreamReader(output).ReadToEnd();
        }

        // The first day lands and is transformed; the export is dropped; the other days arrive, two at once in parallel invocations.
        Invoke(await HistoryPlaysFollowerTests.CopyAsync(sample, raw, days.Take(1)));
        var zips = new List<string>();
        foreach (var (name, zip) in sample.Zips)
        {
            zips.Add($"{LakeLayout.Import}{name}");
            await raw.PutBytesAsync(zips[^1], zip, "application/zip");
        }
        Invoke(zips);
        var rest = new List<List<string>>();
        foreach (var day in days.Skip(1))
        {
            rest.Add(await HistoryPlaysFollowerTests.CopyAsync(sample, raw, [day]));
        }
        await Task.WhenAll(rest.Select(keys => Task.Run(() => Invoke(keys))));
        var summary = JsonDocument.Parse(Invoke(rest[^1])).RootElement; // an event delivered again
        Assert.Contains(summary.GetProperty("partitions").EnumerateObject(), p => p.Name.StartsWith("listening_history/ended_month=", StringComparison.Ordinal));

        var expected = await TransformFunctionTests.ListAsync(reference, HistoryPublisher.TablePrefix);
        Assert.Contains(expected, k => k.Contains("ended_month=2026-12", StringComparison.Ordinal));
        Assert.Equal(expected, await TransformFunctionTests.ListAsync(lake, HistoryPublisher.TablePrefix));
        foreach (var key in expected)
        {
            var onLaptop = await reference.ReadAllBytesAsync(key);
            var onS3 = await lake.ReadAllBytesAsync(key);
            Assert.True(onLaptop.AsSpan().SequenceEqual(onS3), $"{key} differs between the laptop and S3");
        }
    }

    /// <summary>
    /// A recently-played page rewritten in place while the listening history reads it, and put back as it was right after
    /// the read (a slower replay's stale page and its repair): S3 gives the page its listed ETag again, so only the tag of
    /// the bytes read tells that they were not the page listed. Whether the history follows a transformed day or an import
    /// builds it whole, the stale plays (the page's plays a year earlier) never reach <c>listening_history</c>: it ends byte
    /// for byte as a laptop's import of everything writes it. The race falls on a generated page of the last day.
    /// </summary>
    [Theory]
    [InlineData(3, "follow")]
    [InlineData(8, "follow")]
    [InlineData(4, "import")]
    [InlineData(11, "import")]
    [InlineData(4, "import, stale when listed")]
    [InlineData(11, "import, stale when listed")]
    public async Task A_played_page_rewritten_stale_and_back_while_the_history_reads_it_never_reaches_the_history(int seed, string reader)
    {
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(Path.Combine(_local, "source")), seed);
        var days = sample.Days.Keys.ToList();
        var reference = new LocalFolderStore(Path.Combine(_local, "reference"));
        await HistoryPlaysFollowerTests.CopyAsync(sample, reference, days);
        await new ExportImporter(reference, reference).ImportAsync(sample.Export);

        var raw = new S3ObjectStore(_admin, await server.CreateBucketAsync("raw"));
        var lake = new S3ObjectStore(_admin, await server.CreateBucketAsync("transformed"));
        var played = sample.Days[days[^1]].Where(k => k.StartsWith(ApiPlayReader.Prefix, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(played);
        var raced = played[new Random(seed).Next(played.Count)];
        var page = JsonNode.Parse(await sample.Source.ReadAllBytesAsync(raced))!;
        var plays = page["items"]!.AsArray();
        Assert.NotEmpty(plays);
        foreach (var play in plays)
        {
            var at = (string)play!["played_at"]!;
            play["played_at"] = $"{int.Parse(at[..4], System.Globalization.CultureInfo.InvariantCulture) - 1}{at[4..]}";
        }
        var stale = System.Text.Encoding.UTF8.GetBytes(page.ToJsonString());

        // After a transform, the page's first read is the day's tables', its second the history's; an import reads it once.
        // Or, for an import, rewritten after the import's first listing of the pages and before the listing it reads them
        // from, and put back right after the read: its first and last listings agree, the one it read from does not.
        var racing = reader == "import, stale when listed"
            ? (IObjectStore)new StaleListedStore(raw, raced, ApiPlayReader.Prefix, stale, racedListing: 2)
            : new StaleInBetweenStore(raw, raced, stale, racedRead: reader == "follow" ? 2 : 1);
        if (reader == "follow")
        {
            await new TransformPipeline(raw, lake).TransformAsync(await HistoryPlaysFollowerTests.CopyAsync(sample, raw, days.SkipLast(1)));
            await new ExportImporter(raw, lake).ImportAsync(sample.Export);
            await new TransformPipeline(racing, lake).TransformAsync(await HistoryPlaysFollowerTests.CopyAsync(sample, raw, days.TakeLast(1)));
        }
        else
        {
            await new TransformPipeline(raw, lake).TransformAsync(await HistoryPlaysFollowerTests.CopyAsync(sample, raw, days));
            await new ExportImporter(racing, lake).ImportAsync(sample.Export);
        }

        Assert.True(racing is StaleInBetweenStore { Raced: true } or StaleListedStore { Raced: true }, $"{raced} was read while it held the stale plays");
        var expected = await TransformFunctionTests.ListAsync(reference, HistoryPublisher.TablePrefix);
        Assert.Equal(expected, await TransformFunctionTests.ListAsync(lake, HistoryPublisher.TablePrefix));
        foreach (var key in expected)
        {
            var written = await lake.ReadAllBytesAsync(key);
            Assert.True((await reference.ReadAllBytesAsync(key)).AsSpan().SequenceEqual(written),
                $"{key} differs from the history without the race ({raced} read with its plays a year earlier, seed {seed})");
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _admin.Dispose();
        if (Directory.Exists(_local))
        {
            Directory.Delete(_local, recursive: true);
        }
    }
}
