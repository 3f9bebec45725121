using System.Collections.Concurrent;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Tests.Transformation;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace SpotifyEtl.Tests.Current;

/// <summary>
/// A local lake some of whose days an earlier version wrote (no day digest, or one in the earlier layout;
/// months likewise), upgraded: the first transform of new days leaves current-state tables equal to the
/// latest rows of every day's partition, the earlier ones included, and so does every transform after it.
/// </summary>
public sealed class EarlierVersionLakeTests : RawTestLake
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));

    private TransformOptions Csv => new() { Format = TableFormat.Csv, Time = _clock };

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(24)]
    public async Task Days_an_earlier_version_wrote_without_a_digest_are_in_the_current_tables_after_a_transform_of_new_days(int seed)
    {
        await new SampleGenerator(Lake).WriteAsync(new SampleOptions(Days: 36, Items: 20, Seed: seed));
        var days = await CurrentTablesTests.DaysAsync(Lake);
        var random = new Random(seed);
        var order = days.Keys.OrderBy(_ => random.Next()).ToList();
        var earlier = order.Take(order.Count * 2 / 3).ToList();
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(earlier.SelectMany(d => days[d]));
        var aged = await EarlierVersionLakes.AgeAsync(Lake, earlier, random);

        var later = order.Skip(earlier.Count).ToList();
        var step = 0;
        while (later.Count > 0)
        {
            var batch = later.Take(random.Next(1, 5)).ToList();
            later.RemoveRange(0, batch.Count);
            await new TransformPipeline(Lake, Lake, Csv).TransformAsync(batch.SelectMany(d => days[d]));
            CurrentOracle.AssertMatchesPartitions(Folder.Path,
                $"after the batch {string.Join(", ", batch.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))} (step {step++}; days without a digest in this layout: {string.Join(", ", aged.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))})");
        }
        Assert.False(await Lake.ExistsAsync(CurrentLayout.Complete), "an earlier version's invocation may still be writing days");
        Assert.True(await Lake.ExistsAsync(CurrentLayout.Searched), "the first search says when it began");
        _clock.Advance(CurrentStatePublisher.EarlierWriters);
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(days[order[0]]);
        CurrentOracle.AssertMatchesPartitions(Folder.Path, "after the search that confirms the first");
        Assert.True(await Lake.ExistsAsync(CurrentLayout.Complete), "the lake's digests are complete, and the marker says so");
        Assert.Empty(await EarlierVersionLakes.LeftoversAsync(Lake));
        foreach (var day in aged)
        {
            Assert.True(await Lake.ExistsAsync(CurrentLayout.DayKey(day)), $"{day:yyyy-MM-dd} has its day digest, read from its partitions");
        }
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public async Task A_replay_of_an_earlier_day_that_has_no_digest_leaves_the_current_tables_right(int seed)
    {
        await new SampleGenerator(Lake).WriteAsync(new SampleOptions(Days: 12, Items: 20, Seed: seed));
        var days = await CurrentTablesTests.DaysAsync(Lake);
        var random = new Random(seed);
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(days.Values.SelectMany(keys => keys));
        var aged = await EarlierVersionLakes.AgeAsync(Lake, days.Keys.ToList(), random);

        // An earlier day rewritten in place and replayed, its digest gone: the replay and the search for days without one meet.
        var replayed = aged[random.Next(aged.Count)];
        var rewritten = await CurrentTablesTests.RewriteInPlaceAsync(Lake, replayed, days, random);
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(days[replayed]);

        CurrentOracle.AssertMatchesPartitions(Folder.Path, $"after replaying {replayed:yyyy-MM-dd}{(rewritten ? " rewritten in place" : "")}");
    }

    [Fact]
    public async Task Once_the_lake_is_complete_or_searched_less_than_an_invocation_ago_a_transform_lists_no_partitions_to_find_days_without_a_digest()
    {
        await new SampleGenerator(Lake).WriteAsync(new SampleOptions(Days: 3, Items: 10, Seed: 5));
        var days = await CurrentTablesTests.DaysAsync(Lake);
        var searched = CurrentTables.Sources.Values.Select(source => $"{LakeLayout.Transformed}{source.Daily}/").ToHashSet(StringComparer.Ordinal);
        var first = new ListingStore(Lake);
        await new TransformPipeline(Lake, first, Csv).TransformAsync(days.First().Value);
        Assert.Contains(first.Prefixes, prefix => searched.Contains(prefix));

        _clock.Advance(CurrentStatePublisher.EarlierWriters - TimeSpan.FromMinutes(1));
        var young = new ListingStore(Lake);
        await new TransformPipeline(Lake, young, Csv).TransformAsync(days.First().Value);
        Assert.DoesNotContain(young.Prefixes, prefix => searched.Contains(prefix));
        Assert.False(await Lake.ExistsAsync(CurrentLayout.Complete), "an earlier version's invocation could still be writing to it");

        // A first search's time ahead of the clock (a machine's clock set wrong) puts no search off: the next one is a first search.
        await EarlierVersionLakes.BackdateSearchAsync(Lake, -TimeSpan.FromDays(365));
        var ahead = new ListingStore(Lake);
        await new TransformPipeline(Lake, ahead, Csv).TransformAsync(days.First().Value);
        Assert.Contains(ahead.Prefixes, prefix => searched.Contains(prefix));
        Assert.False(await Lake.ExistsAsync(CurrentLayout.Complete), "a search after a time ahead of the clock is a first search");

        _clock.Advance(CurrentStatePublisher.EarlierWriters);
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(days.First().Value);
        Assert.True(await Lake.ExistsAsync(CurrentLayout.Complete), "a lake this version began is complete once no earlier version can be writing to it");

        var counting = new ListingStore(Lake);
        await new TransformPipeline(Lake, counting, Csv).TransformAsync(days.Last().Value);
        Assert.DoesNotContain(counting.Prefixes, prefix => searched.Contains(prefix));
        CurrentOracle.AssertMatchesPartitions(Folder.Path);

        // The marker deleted months later, for transforms to look again: the first search's time long past lets no one search mark it.
        await Lake.DeleteAsync(CurrentLayout.Complete);
        _clock.Advance(TimeSpan.FromDays(90));
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(days.Last().Value);
        Assert.False(await Lake.ExistsAsync(CurrentLayout.Complete), "a search after the marker was deleted is a first search again");
        _clock.Advance(CurrentStatePublisher.EarlierWriters);
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(days.Last().Value);
        Assert.True(await Lake.ExistsAsync(CurrentLayout.Complete), "the second search marks it");
    }

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    public async Task A_day_an_earlier_version_writes_after_the_first_search_is_in_the_current_tables_once_no_earlier_invocation_can_be_left(int seed)
    {
        await new SampleGenerator(Lake).WriteAsync(new SampleOptions(Days: 10, Items: 20, Seed: seed));
        var days = await CurrentTablesTests.DaysAsync(Lake);
        var random = new Random(seed);
        var order = days.Keys.ToList();
        // The latest day is the one an earlier version's invocation writes through the upgrade: its rows are the current ones.
        var late = order[^1];
        var before = order.Take(order.Count - 1).OrderBy(_ => random.Next()).ToList();
        var upgraded = before.Take(before.Count - 2).ToList();
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(upgraded.SelectMany(d => days[d]));
        await EarlierVersionLakes.AgeAsync(Lake, upgraded, random);

        // The upgraded version's first invocation searches; the earlier version's last one then writes its day (no digest, no tables).
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(days[before[^2]]);
        _clock.Advance(TimeSpan.FromMinutes(random.Next(1, 15)));
        await new TransformPipeline(Lake, Lake, Csv with { UpdateCurrentTables = false }).TransformAsync(days[late]);
        await Lake.DeleteAsync(CurrentLayout.DayKey(late));

        _clock.Advance(CurrentStatePublisher.EarlierWriters);
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(days[before[^1]]);

        CurrentOracle.AssertMatchesPartitions(Folder.Path, $"after {late:yyyy-MM-dd} was written by an earlier version after the first search");
        Assert.True(await Lake.ExistsAsync(CurrentLayout.DayKey(late)), "the late day has its digest, read from its partitions");
        Assert.True(await Lake.ExistsAsync(CurrentLayout.Complete), "the search that found it marks the lake complete");
    }

    [Theory]
    [InlineData(62)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    public async Task A_digest_read_from_partitions_a_replay_is_writing_never_outlives_the_replays_own(int seed)
    {
        await new SampleGenerator(Lake).WriteAsync(new SampleOptions(Days: 6, Items: 20, Seed: seed));
        var days = await CurrentTablesTests.DaysAsync(Lake);
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(days.Values.SelectMany(keys => keys));
        var random = new Random(seed);
        // The latest day: its rows are the current ones, so a stale digest of it shows in the tables.
        var replayed = days.Keys.Last();
        var other = days.Keys.First();
        // The replayed day as an earlier version left it (no digest), its raw objects since rewritten in place.
        await Lake.DeleteAsync(CurrentLayout.DayKey(replayed));
        await Lake.DeleteAsync(CurrentLayout.Complete);
        await Lake.DeleteAsync(CurrentLayout.Searched);
        Assert.True(await CurrentTablesTests.RewriteInPlaceAsync(Lake, replayed, days, random), "the replayed day has a page to rewrite");

        // The replay is held as it writes the day's songs partition, the search for days without a digest runs
        // meanwhile (another day's transform) and reads the old one; the replay's digest lands between that
        // search's listing and its write when its store lets it.
        var songs = TableFormat.Csv.PartitionKey(TableNames.Songs, replayed);
        var digest = CurrentLayout.DayKey(replayed);
        var searched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var replayDigest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var replayStore = new HeldStore(Lake, songs, digest, before: searched.Task, written: replayDigest);
        var searchStore = new HeldStore(Lake, heldKey: null, digest, before: replayDigest.Task, written: null) { Listed = searched };
        var replay = Task.Run(() => new TransformPipeline(Lake, replayStore, Csv).TransformAsync(days[replayed]));
        await replayStore.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await new TransformPipeline(Lake, searchStore, Csv).TransformAsync(days[other]);
        Assert.True(searched.Task.IsCompleted, "the other day's transform searched for days without a digest while the replay was held");
        replayStore.Release.SetResult();
        await replay.WaitAsync(TimeSpan.FromSeconds(60));

        CurrentOracle.AssertMatchesPartitions(Folder.Path, $"after the replay of {replayed:yyyy-MM-dd} met the search for days without a digest");
    }

    /// <summary>
    /// Holds the write of one key until released; the write of the digest key waits (a few seconds at most) for
    /// <c>before</c> and then completes <c>written</c>; a completed listing of staging/current/ completes <c>Listed</c>.
    /// </summary>
    private sealed class HeldStore(IObjectStore inner, string? heldKey, string digestKey, Task before, TaskCompletionSource? written) : ForwardingStore(inner)
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource? Listed { get; init; }

        public override async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            if (key == heldKey)
            {
                Reached.TrySetResult();
                await Release.Task.ConfigureAwait(false);
            }
            if (key == digestKey)
            {
                await Task.WhenAny(before, Task.Delay(TimeSpan.FromSeconds(3), cancellationToken)).ConfigureAwait(false);
            }
            await base.PutAsync(key, content, contentType, cancellationToken).ConfigureAwait(false);
            if (key == digestKey)
            {
                written?.TrySetResult();
            }
        }

        public override async IAsyncEnumerable<string> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var key in base.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                yield return key;
            }
            if (prefix == CurrentLayout.Prefix)
            {
                Listed?.TrySetResult();
            }
        }
    }

    /// <summary>Records the prefix of every listing.</summary>
    private sealed class ListingStore(IObjectStore inner) : ForwardingStore(inner)
    {
        public ConcurrentBag<string> Prefixes { get; } = [];

        public override IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default)
        {
            Prefixes.Add(prefix);
            return base.ListAsync(prefix, cancellationToken);
        }

        public override IAsyncEnumerable<ObjectVersion> ListVersionsAsync(string prefix, CancellationToken cancellationToken = default)
        {
            Prefixes.Add(prefix);
            return base.ListVersionsAsync(prefix, cancellationToken);
        }
    }
}
