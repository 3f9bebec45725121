using System.Globalization;
using CsvHelper;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A library changed during a full pass over saved tracks: Spotify pages it by offset, newest first, so a song saved
/// during the pass shifts every later page by one (a song listed twice, the new one missing) and a song removed above the
/// page being read makes the next page skip one, which the day's full pass would show as removed. Served over HTTP by the
/// double, extracted and transformed as a user's runs are, the day's full pass misses no song still saved.
/// </summary>
public sealed class SavedTracksChangedWhileReadTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Later = new(2026, 11, 21, 23, 0, 0, TimeSpan.Zero);
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 16)];

    /// <summary>
    /// Changed during one pass: the run passes again at once, so a day of one run (a laptop's, a daily schedule's, the
    /// hourly function's last of the day) lists every song still saved. Changed during every pass the run makes: it warns,
    /// records no pass, and the next run passes again.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_library_changed_during_a_full_pass_is_passed_again_and_the_day_lists_every_song_still_saved(int seed)
    {
        var random = new Random(seed);
        var restless = seed % 4 == 0;
        _h.Spotify.SavedTrackCount = random.Next(51, 401);
        var editAfter = random.Next(0, (_h.Spotify.SavedTrackCount + 49) / 50);
        var everSaved = Library().ToHashSet(StringComparer.Ordinal);
        var edits = 0;
        _h.Spotify.RewritePage = (route, offset, _) =>
        {
            // The page is built already: it is the library before, and every page after it the library changed.
            if (route == "me/tracks" && offset == editAfter * 50 && (restless || edits == 0))
            {
                edits++;
                Change(random, $"s{seed}-{edits}-");
                everSaved.UnionWith(Library());
            }
        };

        var busy = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.Equal((SourceStatus.Landed, ExtractionPass.Full), (busy.Status, busy.Pass));
        if (!restless)
        {
            // Passed again within the run: no warning, and the day (of this one run) lists every song still saved.
            Assert.True(busy.Warnings is null, string.Join(" ", busy.Warnings ?? []));
            var listed = await FullPassAsync();
            Assert.Empty(Library().Except(listed));
            Assert.Empty(listed.Except(everSaved));
            _h.Clock.Advance(TimeSpan.FromHours(1));
            Assert.Equal(SourceStatus.Unchanged, (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single().Status);
            return;
        }
        Assert.Equal(3, edits);
        var warning = Assert.Single(busy.Warnings ?? []);
        Assert.Contains("The library changed while it was read, 3 times over", warning, StringComparison.Ordinal);
        Assert.Contains("The next run makes the full pass again.", warning, StringComparison.Ordinal);

        // Saved tracks are read once a day, but a pass the library changed under is made again by the next run.
        _h.Spotify.RewritePage = null;
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var calm = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.True(calm.Status == SourceStatus.Landed && calm.Warnings is null, $"{calm.Status}: {calm.Error}");
        Assert.Equal(ExtractionPass.Full, calm.Pass);
        // The day's full pass is every song a pass listed: the library as the calm run read it, whole (none missed, so none
        // reads as removed), and songs the busy run saw before they were removed, each one saved that day.
        var day = await FullPassAsync();
        Assert.Empty(Library().Except(day));
        Assert.Empty(day.Except(everSaved));

        // Settled: the run after reads nothing (once a day again).
        _h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(SourceStatus.Unchanged, (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single().Status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_library_that_held_still_is_passed_once_and_its_first_page_asked_again_costs_a_bodiless_304(int seed)
    {
        _h.Spotify.SavedTrackCount = new Random(seed).Next(51, 401);

        var source = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.True(source.Status == SourceStatus.Landed && source.Warnings is null, $"{source.Status}: {source.Error}");
        Assert.Equal((source.Pages + 1, 1), (source.Requests, source.NotModified));
        Assert.Equal(Library(), await FullPassAsync());
    }

    /// <summary>
    /// A library that held still, served without ETags and with bytes of no bearing that differ at each answer (the next
    /// link written another way, a field of the moment): its first page asked again holds the same songs, so it is passed
    /// once, without a warning. Bytes alone would pass it three times over and warn at every full pass.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_library_that_held_still_is_passed_once_though_its_first_page_differs_in_bytes_of_no_bearing(int seed)
    {
        var random = new Random(seed);
        _h.Spotify.SavedTrackCount = random.Next(51, 401);
        _h.Spotify.ServeETags = false;
        var answers = 0;
        _h.Spotify.RewritePage = (route, offset, page) =>
        {
            if (route == "me/tracks" && offset == 0)
            {
                answers++;
                page["served_at"] = $"answer {answers}";
                if (page["next"] is not null)
                {
                    page["next"] = _h.Spotify.Link($"me/tracks?limit=50&offset={(random.Next(2) == 0 ? "50" : "00050")}&n={answers}");
                }
            }
        };

        var source = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.True(source.Status == SourceStatus.Landed && source.Warnings is null, string.Join(" ", source.Warnings ?? [source.Error ?? ""]));
        Assert.Equal(2, answers);
        Assert.Equal(Library(), await FullPassAsync());
    }

    /// <summary>What a listener does meanwhile: saves songs (first in the list), removes some anywhere, or both.</summary>
    private void Change(Random random, string prefix)
    {
        var library = _h.Spotify.SavedTracks;
        var kind = random.Next(3);
        if (kind is 1 or 2)
        {
            for (var removed = random.Next(1, 6); removed > 0 && library.Count > 1; removed--)
            {
                library.RemoveAt(random.Next(library.Count));
            }
        }
        if (kind is 0 or 2)
        {
            _h.Spotify.SaveTracks(random.Next(1, 6), Later.AddMinutes(random.Next(0, 600)));
            for (var i = 0; i < library.Count && library[i].Id.StartsWith("new", StringComparison.Ordinal); i++)
            {
                library[i] = library[i] with { Id = prefix + library[i].Id };
            }
        }
    }

    private List<string> Library() =>
        [.. _h.Spotify.SavedTracks.Select(track => $"{track.Id} {track.AddedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}").Order(StringComparer.Ordinal)];

    /// <summary>The songs the day's saved_tracks lists as its full pass ("song_id saved_at"), from the lake the transform writes.</summary>
    private async Task<List<string>> FullPassAsync()
    {
        var keys = await _h.KeysAsync(LakeLayout.Raw);
        await new TransformPipeline(_h.Store, _h.Store, new TransformOptions { Format = TableFormat.Csv }).TransformAsync(keys);
        var day = RawObjectKey.Parse(keys[0]).SnapshotDate;
        using var reader = new StreamReader(Path.Combine(_h.LakeFolder, TableFormat.Csv.PartitionKey("saved_tracks", day)));
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        return [.. csv.GetRecords<dynamic>().Select(row => (IDictionary<string, object>)row)
            .Where(row => (string)row["full_pass"] == "true")
            .Select(row => $"{row["song_id"]} {row["saved_at"]}").Order(StringComparer.Ordinal)];
    }
}
