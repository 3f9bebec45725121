using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// API plays the transform publishes after an import join listening_history, counted once with the export's
/// streams, and the table is the same in any order of events: import then transform, transform then import, a day
/// replayed, days transformed in parallel. Generated days straddle a month's end; the export holds many of their plays.
/// </summary>
public sealed class HistoryPlaysFollowerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Six days of API data over the end of November, and an export (of <paramref name="streams"/> streams) holding many of their plays.</summary>
    internal sealed record Sample(IObjectStore Source, SortedDictionary<DateOnly, List<string>> Days, List<ExportCandidate> Export,
        IReadOnlyList<(string Name, byte[] Zip)> Zips);

    internal static async Task<Sample> GenerateAsync(IObjectStore source, int seed, int streams = 300)
    {
        await new SampleGenerator(source).WriteAsync(new SampleOptions(Days: 6, Items: 20, Seed: seed, LastDay: new DateOnly(2026, 12, 3)));
        var days = new SortedDictionary<DateOnly, List<string>>();
        await foreach (var key in source.ListAsync(LakeLayout.Raw))
        {
            if (RawObjectKey.TryParse(key, out var parsed, out _))
            {
                (days.TryGetValue(parsed.SnapshotDate, out var keys) ? keys : days[parsed.SnapshotDate] = []).Add(key);
            }
        }
        var api = await ApiPlayReader.ReadAsync(source, default);
        var plays = api.Rows.DistinctBy(r => (r.EndedAt, r.TrackUri))
            .Select(r => new SampleApiPlay(r.EndedAt, r.TrackUri!, r.TrackName, r.ArtistName, r.AlbumName, r.MsPlayed)).ToList();
        var export = SampleExport.Write(new SampleExportOptions(streams, seed, new DateOnly(2026, 12, 3), plays));
        var candidates = export.Zips.SelectMany(z => ExportArchive.Entries(z.Name, new MemoryStream(z.Zip), ImportLimits.Default)).ToList();
        return new Sample(source, days, candidates, export.Zips);
    }

    internal static async Task<List<string>> CopyAsync(Sample sample, IObjectStore lake, IEnumerable<DateOnly> days)
    {
        var keys = new List<string>();
        foreach (var day in days)
        {
            foreach (var key in sample.Days[day])
            {
                using (Storage.LambdaRole.TestLooking()) await lake.PutBytesAsync(key, await sample.Source.ReadAllBytesAsync(key), "application/json");
                keys.Add(key);
            }
        }
        return keys;
    }

    private SortedDictionary<string, byte[]> Table(string lake) =>
        new(_folder.Files($"{lake}/{HistoryPublisher.TablePrefix.TrimEnd('/')}").ToDictionary(f => f.Key[(lake.Length + 1)..], f => f.Value), StringComparer.Ordinal);

    private LocalFolderStore Lake(string name) => new(_folder[name]);

    [Theory]
    [InlineData(5)]
    [InlineData(17)]
    public async Task Plays_published_after_an_import_join_the_history_as_an_import_of_everything_would_write_it_in_any_order(int seed)
    {
        var sample = await GenerateAsync(Lake("source"), seed);
        var days = sample.Days.Keys.ToList();
        Assert.Contains(days, d => d.Month == 12);
        Assert.Contains(days, d => d.Month == 11);

        // All the days landed, then one import: the reference.
        var reference = Lake("reference");
        await CopyAsync(sample, reference, days);
        var imported = await new ExportImporter(reference, reference).ImportAsync(sample.Export);
        Assert.True(imported.ApiPlays!.Covered > 0, "the export holds some of the plays");
        Assert.True(imported.ApiPlays.RowsKept > 0, "and lacks others");
        var expected = Table("reference");
        Assert.Contains(expected.Keys, k => k.Contains("ended_month=2026-12", StringComparison.Ordinal));

        // Import after the first two days, then the later days are extracted and transformed one by one.
        var later = Lake("later");
        await CopyAsync(sample, later, days.Take(2));
        await new ExportImporter(later, later).ImportAsync(sample.Export);
        Assert.False(Same(expected, Table("later")), "before the later days are transformed, the history lacks their plays");
        foreach (var day in days.Skip(2))
        {
            var batch = await new TransformPipeline(later, later).TransformAsync(await CopyAsync(sample, later, [day]));
            Assert.Contains(batch.Partitions.Keys, p => p.StartsWith("listening_history/ended_month=", StringComparison.Ordinal));
        }
        AssertSame(expected, Table("later"));

        // A day replayed, and every day transformed again at once: nothing changes.
        await new TransformPipeline(later, later).TransformAsync(sample.Days[days[3]]);
        await new TransformPipeline(later, later).TransformAsync(days.SelectMany(d => sample.Days[d]));
        AssertSame(expected, Table("later"));

        // Transforms first (no history to follow yet), then the import.
        var first = Lake("transform-first");
        await new TransformPipeline(first, first).TransformAsync(await CopyAsync(sample, first, days));
        Assert.DoesNotContain(_folder.Files("transform-first").Keys, k => k.Contains("listening_history", StringComparison.Ordinal));
        await new ExportImporter(first, first).ImportAsync(sample.Export);
        AssertSame(expected, Table("transform-first"));

        // Import after one day; the other days land, and are transformed in parallel, each day by a pipeline of its own.
        var parallel = Lake("parallel");
        await CopyAsync(sample, parallel, days.Take(1));
        await new ExportImporter(parallel, parallel).ImportAsync(sample.Export);
        var landed = new List<List<string>>();
        foreach (var day in days.Skip(1))
        {
            landed.Add(await CopyAsync(sample, parallel, [day]));
        }
        await Task.WhenAll(landed.Select(keys => Task.Run(() => new TransformPipeline(parallel, parallel).TransformAsync(keys))));
        AssertSame(expected, Table("parallel"));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(17)]
    public async Task A_day_staged_from_a_page_read_before_it_was_rewritten_is_staged_again_however_late_that_write_lands(int seed)
    {
        var sample = await GenerateAsync(Lake("source"), seed);
        var days = sample.Days.Keys.ToList();
        var reference = Lake("reference");
        await CopyAsync(sample, reference, days);
        await new ExportImporter(reference, reference).ImportAsync(sample.Export);
        var expected = Table("reference");

        // The last day's recently-played page, first landed holding its first play only.
        var day = days[^1];
        var page = sample.Days[day].First(k => k.StartsWith(ApiPlayReader.Prefix, StringComparison.Ordinal));
        var full = await sample.Source.ReadAllBytesAsync(page);
        var cut = FirstPlayOnly(full);
        var alone = Lake("cut");
        await CopyAsync(sample, alone, days);
        await alone.PutBytesAsync(page, cut, "application/json");
        await new ExportImporter(alone, alone).ImportAsync(sample.Export);
        Assert.False(Same(expected, Table("cut")), "some plays cut from the page are not in the export");

        var lake = Lake("raced");
        await CopyAsync(sample, lake, days.SkipLast(1));
        await new ExportImporter(lake, lake).ImportAsync(sample.Export);
        var keys = await CopyAsync(sample, lake, [day]);
        await lake.PutBytesAsync(page, cut, "application/json");

        // One transform has read the cut page and waits to stage the day; the page is rewritten whole and transformed.
        var held = new HeldStagingStore(lake, $"/{LakeLayout.SnapshotSegment(day)}.json");
        var slow = Task.Run(() => new TransformPipeline(held, held).TransformAsync(keys));
        await held.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await lake.PutBytesAsync(page, full, "application/json");
        await new TransformPipeline(lake, lake).TransformAsync([page]);
        AssertSame(expected, Table("raced"));

        held.Release.SetResult();
        await slow.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(held.Writes >= 2, "the held transform staged what it had read, saw the page change, and staged it again");
        AssertSame(expected, Table("raced"));
    }

    private static byte[] FirstPlayOnly(byte[] page)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(page)!.AsObject();
        var items = json["items"]!.AsArray();
        Assert.True(items.Count > 1, "the page holds more than one play");
        while (items.Count > 1)
        {
            items.RemoveAt(items.Count - 1);
        }
        return System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    /// <summary>Holds the first staged write of one day's plays until released; everything else passes straight through.</summary>
    private sealed class HeldStagingStore(IObjectStore inner, string daySuffix) : ForwardingStore(inner)
    {
        private int _writes;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Writes => _writes;

        public override async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            if (key.StartsWith(ApiPlayStage.Prefix, StringComparison.Ordinal) && key.EndsWith(daySuffix, StringComparison.Ordinal)
                && Interlocked.Increment(ref _writes) == 1)
            {
                Reached.SetResult();
                await Release.Task.ConfigureAwait(false);
            }
            await base.PutAsync(key, content, contentType, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool Same(SortedDictionary<string, byte[]> expected, SortedDictionary<string, byte[]> actual) =>
        expected.Keys.SequenceEqual(actual.Keys) && expected.All(e => e.Value.AsSpan().SequenceEqual(actual[e.Key]));

    private static void AssertSame(SortedDictionary<string, byte[]> expected, SortedDictionary<string, byte[]> actual) =>
        FileTreeAssert.Same(expected, actual, "listening_history");
}
