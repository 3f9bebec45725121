using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// An import and a transform of the same lake at once, interleaved at many points of one of them: the one is frozen
/// before one of its writes, the other runs whole, then the first goes on. The points are the first and last write of
/// each kind (staged plays, spans, the history's months) and the writes just after them, and points spread between.
/// However they fall, listening_history ends as one import of everything writes it. The transformed day is the last of
/// the sample, its month's edge within reach.
/// </summary>
public sealed class ImportTransformInterleavingTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Points spread over the writes per case, besides those around each kind's first and last write.</summary>
    private const int SpreadPoints = 28;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public enum LastDay
    {
        /// <summary>The last day's pages are in raw before either process starts; its transform runs late (a late or repeated S3 event).</summary>
        LandedBefore,

        /// <summary>The last day's pages land while the first process is frozen, and their transform follows.</summary>
        LandedInThePause,
    }

    [Theory]
    [InlineData(5, LastDay.LandedBefore)]
    [InlineData(17, LastDay.LandedInThePause)]
    public async Task A_transform_run_whole_while_an_import_is_paused_at_its_writes_leaves_the_history_an_import_of_everything_writes(int seed, LastDay lastDay)
    {
        var (sample, expected) = await ReferenceAsync(seed);
        // Counted on a lake as the interleaved ones start: with the last day's pages left out when they land in the pause.
        var writes = await WritesAsync((await LakeAsync(sample, "counted", lastDay)).Lake, s => new ExportImporter(s, s).ImportAsync(sample.Export));
        var points = Points(writes);
        foreach (var point in points)
        {
            var (lake, day) = await LakeAsync(sample, $"interleaved-{point}", lastDay);
            await InterleaveAsync(lake, point,
                paused: s => new ExportImporter(s, s).ImportAsync(sample.Export),
                whole: async () => await new TransformPipeline(lake, lake).TransformAsync(await LandAsync(sample, lake, day, lastDay)));
            AssertHistory(expected, $"interleaved-{point}", $"a transform run whole before the import's write {point} of {writes.Count}");
        }
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(17, true)]
    public async Task An_import_run_whole_while_a_transform_is_paused_at_its_writes_leaves_the_history_an_import_of_everything_writes(int seed, bool importedBefore)
    {
        var (sample, expected) = await ReferenceAsync(seed);
        var day = sample.Days.Keys.Last();
        // The last day lands, after an import of the days before it (the transform follows the history) or with none yet
        // (the import running whole is the first, and the transform finds its files landed only once it goes on).
        async Task<LocalFolderStore> PrepareAsync(string name)
        {
            var lake = new LocalFolderStore(_folder[name]);
            await HistoryPlaysFollowerTests.CopyAsync(sample, lake, sample.Days.Keys.SkipLast(1));
            if (importedBefore)
            {
                await new ExportImporter(lake, lake).ImportAsync(sample.Export);
            }
            await HistoryPlaysFollowerTests.CopyAsync(sample, lake, [day]);
            return lake;
        }
        var writes = await WritesAsync(await PrepareAsync("counted"), s => new TransformPipeline(s, s).TransformAsync(sample.Days[day]));
        var points = Points(writes);
        foreach (var point in points)
        {
            var lake = await PrepareAsync($"interleaved-{point}");
            await InterleaveAsync(lake, point,
                paused: s => new TransformPipeline(s, s).TransformAsync(sample.Days[day]),
                whole: () => new ExportImporter(lake, lake).ImportAsync(sample.Export));
            AssertHistory(expected, $"interleaved-{point}", $"an import run whole before the transform's write {point} of {writes.Count}");
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(17)]
    public async Task An_import_stopped_at_its_first_write_of_the_table_leaves_its_files_for_the_next_transform_to_build_whole(int seed)
    {
        var (sample, expected) = await ReferenceAsync(seed);
        var (lake, day) = await LakeAsync(sample, "stopped", LastDay.LandedBefore);
        var stopping = new StoppedAtTheTableStore(lake);

        var stopped = await Assert.ThrowsAnyAsync<IOException>(() => new ExportImporter(stopping, stopping).ImportAsync(sample.Export));

        Assert.Contains("the disk is full", stopped.Message, StringComparison.Ordinal);
        // Its files landed and its plays were staged, but no table was built from them: the next transform builds it whole.
        Assert.True(await HistoryPlaysFollower.AnyUnbuiltAsync(lake, lake, default), "the landed files read as built into a table never written");
        await new TransformPipeline(lake, lake).TransformAsync(sample.Days[day]);
        AssertHistory(expected, "stopped", "the transform after an import stopped before its table");
        Assert.False(await HistoryPlaysFollower.AnyUnbuiltAsync(lake, lake, default), "once built, the files read as built");
    }

    /// <summary>
    /// The transform that builds the table whole after a stopped import reads every recently-played page: one of another day
    /// that cannot be read is set aside and named in the batch's report (the function logs it and counts it for its alarm),
    /// once: the next transform, the table built, follows its own day and does not name it again.
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(17)]
    public async Task A_whole_build_after_a_stopped_import_names_a_played_page_it_cannot_read_once(int seed)
    {
        var (sample, _) = await ReferenceAsync(seed);
        var (lake, day) = await LakeAsync(sample, "stopped-spoiled", LastDay.LandedBefore);
        var stopping = new StoppedAtTheTableStore(lake);
        await Assert.ThrowsAnyAsync<IOException>(() => new ExportImporter(stopping, stopping).ImportAsync(sample.Export));
        var others = sample.Days.Where(d => d.Key != day).SelectMany(d => d.Value).Where(k => k.StartsWith(ApiPlayReader.Prefix, StringComparison.Ordinal)).ToList();
        var page = others[new Random(seed).Next(others.Count)];
        await lake.PutTextAsync(page, "{\"items\": [{\"played_at\": ", "application/json");

        var batch = await new TransformPipeline(lake, lake).TransformAsync(sample.Days[day]);

        var named = Assert.Single(batch.Objects, r => r.RawKey == page);
        Assert.Equal(TransformStatus.Unreadable, named.Status);
        Assert.Contains("Its plays are not in listening_history", named.Reason, StringComparison.Ordinal);
        Assert.True(await lake.ExistsAsync(LakeLayout.QuarantineKey(page)), "set aside in quarantine");
        var again = await new TransformPipeline(lake, lake).TransformAsync(sample.Days[day]);
        Assert.DoesNotContain(again.Objects, r => r.RawKey == page);
    }

    /// <summary>Fails the first write of listening_history's months, as a full disk would.</summary>
    internal sealed class StoppedAtTheTableStore(IObjectStore inner) : ForwardingStore(inner)
    {
        public override Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default) =>
            key.StartsWith(HistoryPublisher.TablePrefix, StringComparison.Ordinal)
                ? throw new IOException($"{key}: the disk is full")
                : base.PutAsync(key, content, contentType, cancellationToken);
    }

    /// <summary>The sample, and its history as one import of every day writes it.</summary>
    private async Task<(HistoryPlaysFollowerTests.Sample Sample, SortedDictionary<string, byte[]> Expected)> ReferenceAsync(int seed)
    {
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(_folder["source"]), seed);
        var reference = new LocalFolderStore(_folder["reference"]);
        await HistoryPlaysFollowerTests.CopyAsync(sample, reference, sample.Days.Keys);
        var imported = await new ExportImporter(reference, reference).ImportAsync(sample.Export);
        Assert.True(imported.ApiPlays!.RowsKept > 0, "the export lacks some of the API's plays, so the history depends on them");
        return (sample, History("reference"));
    }

    /// <summary>The keys the process writes on the lake, run alone, in order.</summary>
    private static async Task<IReadOnlyList<string>> WritesAsync(IObjectStore lake, Func<IObjectStore, Task> process)
    {
        var counting = new PausingStore(lake, int.MaxValue);
        await process(counting);
        Assert.True(counting.Writes > 3, $"the process writes ({counting.Writes} writes)");
        return counting.Keys;
    }

    /// <summary>
    /// Writes to pause before (numbered from 1): the first and last of each kind the history depends on and the one after
    /// each, where one stage of the process ends and the next begins, and points spread over all of them.
    /// </summary>
    private static List<int> Points(IReadOnlyList<string> writes)
    {
        var points = new SortedSet<int>(Enumerable.Range(0, Math.Min(writes.Count, SpreadPoints))
            .Select(i => 1 + (int)((long)i * writes.Count / Math.Min(writes.Count, SpreadPoints))));
        var keys = writes.ToList();
        foreach (var prefix in new[] { ApiPlayStage.Prefix, ExportSpan.Prefix, HistoryPublisher.TablePrefix })
        {
            var first = keys.FindIndex(k => k.StartsWith(prefix, StringComparison.Ordinal));
            var last = keys.FindLastIndex(k => k.StartsWith(prefix, StringComparison.Ordinal));
            foreach (var index in first < 0 ? [] : new[] { first, first + 1, last, last + 1 })
            {
                points.Add(index + 1);
            }
        }
        // A point past the last write would never pause: the two would run one after the other.
        return [.. points.Where(point => point <= writes.Count)];
    }

    /// <summary>A lake of the sample's days, the last one's pages left out when they land in the pause.</summary>
    private async Task<(LocalFolderStore Lake, DateOnly Day)> LakeAsync(HistoryPlaysFollowerTests.Sample sample, string name, LastDay lastDay)
    {
        var lake = new LocalFolderStore(_folder[name]);
        var day = sample.Days.Keys.Last();
        await HistoryPlaysFollowerTests.CopyAsync(sample, lake, lastDay == LastDay.LandedBefore ? sample.Days.Keys : sample.Days.Keys.SkipLast(1));
        return (lake, day);
    }

    private static async Task<IReadOnlyList<string>> LandAsync(HistoryPlaysFollowerTests.Sample sample, IObjectStore lake, DateOnly day, LastDay lastDay) =>
        lastDay == LastDay.LandedInThePause ? await HistoryPlaysFollowerTests.CopyAsync(sample, lake, [day]) : sample.Days[day];

    /// <summary>Runs <paramref name="paused"/> until its write <paramref name="point"/>, <paramref name="whole"/> to its end, then the rest of the first.</summary>
    private static async Task InterleaveAsync(IObjectStore lake, int point, Func<IObjectStore, Task> paused, Func<Task> whole)
    {
        var pausing = new PausingStore(lake, point);
        var first = Task.Run(() => paused(pausing));
        await Task.WhenAny(pausing.Reached.Task, first).WaitAsync(Patience);
        // Alone until then, it makes the writes it made when counted: one that ended first interleaved nothing.
        Assert.True(pausing.Reached.Task.IsCompleted, $"the process ended before its write {point}, so nothing ran in a pause: {(first.IsFaulted ? first.Exception : "it wrote less")}");
        await whole().WaitAsync(Patience);
        pausing.Release.SetResult();
        await first.WaitAsync(Patience);
    }

    private SortedDictionary<string, byte[]> History(string lake) =>
        new(_folder.Files($"{lake}/{HistoryPublisher.TablePrefix.TrimEnd('/')}").ToDictionary(f => f.Key[(lake.Length + 1)..], f => f.Value), StringComparer.Ordinal);

    private void AssertHistory(SortedDictionary<string, byte[]> expected, string lake, string when)
    {
        var actual = History(lake);
        Assert.True(expected.Keys.SequenceEqual(actual.Keys), $"{when}: the months written are {string.Join(", ", actual.Keys)}");
        foreach (var (key, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[key]), $"{when}: {key} differs from an import of everything");
        }
    }
}
