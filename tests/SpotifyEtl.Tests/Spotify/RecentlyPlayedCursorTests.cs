using System.Globalization;
using System.Text.Json;
using SpotifyEtl.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// The recently-played cursor against a Spotify that answers pages without cursors (<c>"cursors": null</c>, or none at all)
/// or with a cursor older than the saved one: the cursor still moves to the newest play landed, and never back.
/// </summary>
public sealed class RecentlyPlayedCursorTests : IAsyncLifetime
{
    private static readonly long Start = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Pages whose cursors are null or missing, with plays between runs drawn from each seed.</summary>
    public static TheoryData<string, int> CursorlessPages()
    {
        var data = new TheoryData<string, int>();
        foreach (var shape in new[] { "null", "absent" })
        {
            foreach (var seed in new[] { 1, 2, 3, 4, 5, 6 })
            {
                data.Add(shape, seed);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CursorlessPages))]
    public async Task A_page_without_cursors_moves_the_cursor_to_its_newest_play_so_the_next_run_lands_only_newer_plays_and_finds_gaps(string shape, int seed)
    {
        var random = new Random(seed);
        var reachable = random.Next(2) == 0 ? 50 : 120;
        var played = random.Next(1, 171);
        _h.Spotify.ReachablePlays = reachable;
        _h.Spotify.AfterServesOldest = random.Next(2) == 0;
        _h.Spotify.RewritePlays = (_, page) =>
        {
            if (shape == "null")
            {
                page["cursors"] = null;
            }
            else
            {
                page.Remove("cursors");
            }
        };
        _h.Spotify.Plays.AddRange(Enumerable.Range(0, 30).Select(Play));

        await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        Assert.Equal(Play(29), await SavedCursorAsync());

        _h.Spotify.Plays.AddRange(Enumerable.Range(30, played).Select(Play));
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var second = await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        Assert.Equal(Play(29 + played), await SavedCursorAsync());
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var third = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(0, third.Manifest.Sources.Single().Items);
        var stillThere = _h.Spotify.Plays.OrderDescending().Take(reachable).Where(play => play > Play(29)).ToHashSet();
        Assert.Equal(stillThere, (await LandedPlaysAsync()).Where(play => play > Play(29)).ToHashSet());
        var gap = second.Manifest.Sources.Single().Gap;
        if (played < reachable)
        {
            Assert.Null(gap);
        }
        else
        {
            Assert.NotNull(gap);
            Assert.Equal((DateTimeOffset.FromUnixTimeMilliseconds(Play(29)), DateTimeOffset.FromUnixTimeMilliseconds(stillThere.Min())), (gap.After, gap.Before));
        }
        Assert.All(new[] { second, third }, run => Assert.Null(run.Manifest.Sources.Single().Warnings));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task A_cursor_older_than_the_saved_one_leaves_the_saved_cursor_and_is_said_in_the_manifest_and_the_log(int seed)
    {
        var random = new Random(seed);
        _h.Spotify.Plays.AddRange(Enumerable.Range(0, 30).Select(Play));
        await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        _h.Spotify.Plays.AddRange(Enumerable.Range(30, random.Next(1, 40)).Select(Play));
        // Spotify's after cursor goes back: anywhere from a millisecond to days before the saved one.
        var back = Play(29) - (random.Next(2) == 0 ? random.Next(1, 1000) : random.NextInt64(1, 5L * 24 * 3600 * 1000));
        _h.Spotify.RewritePlays = (query, page) =>
        {
            if (query.Contains("after=", StringComparison.Ordinal) && page["cursors"] is System.Text.Json.Nodes.JsonObject cursors)
            {
                cursors["after"] = back.ToString(CultureInfo.InvariantCulture);
            }
        };

        _h.Clock.Advance(TimeSpan.FromHours(1));
        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(Play(29), await SavedCursorAsync());
        var source = run.Manifest.Sources.Single();
        Assert.Equal(SourceStatus.Landed, source.Status);
        var warning = Assert.Single(source.Warnings ?? []);
        Assert.Contains("older than the saved one", warning, StringComparison.Ordinal);
        Assert.Contains(DateTimeOffset.FromUnixTimeMilliseconds(back).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture), warning, StringComparison.Ordinal);
        using (var manifest = await _h.ReadJsonAsync(run.ManifestKey))
        {
            Assert.Equal(warning, manifest.RootElement.GetProperty("sources")[0].GetProperty("warnings")[0].GetString());
        }
        var line = JsonDocument.Parse(_h.LogLines.Last(text => text.Contains("\"source_extracted\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal("warn", line.GetProperty("level").GetString());
        Assert.Equal(warning, line.GetProperty("warnings")[0].GetString());
    }

    /// <summary>Cursors no play could have: text, seconds for milliseconds, before Spotify, after the run, past a long.</summary>
    private static string BogusCursor(Random random) => random.Next(8) switch
    {
        0 => new string(Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray()),
        1 => (Play(29) / 1000 + random.Next(1, 1000)).ToString(CultureInfo.InvariantCulture),
        2 => random.Next(0, 1_000_000).ToString(CultureInfo.InvariantCulture),
        3 => (Play(29) + random.NextInt64(3L * 24 * 3600 * 1000, 100L * 365 * 24 * 3600 * 1000)).ToString(CultureInfo.InvariantCulture),
        4 => "9" + new string('9', random.Next(19, 30)),
        5 => $"-{Play(29)}",
        6 => $"{Play(29) + 1}.5",
        _ => $" {Play(29) + random.Next(1, 1000)}",
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task A_cursor_that_is_no_time_of_a_play_is_not_saved_and_the_newest_play_on_the_page_is_taken_instead(int seed)
    {
        var random = new Random(seed);
        _h.Spotify.Plays.AddRange(Enumerable.Range(0, 30).Select(Play));
        await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        var played = random.Next(1, 40);
        _h.Spotify.Plays.AddRange(Enumerable.Range(30, played).Select(Play));
        var bogus = BogusCursor(random);
        _h.Spotify.RewritePlays = (query, page) =>
        {
            if (page["cursors"] is System.Text.Json.Nodes.JsonObject cursors)
            {
                cursors["after"] = bogus;
            }
        };

        _h.Clock.Advance(TimeSpan.FromHours(1));
        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(Play(29 + played), await SavedCursorAsync());
        var warning = Assert.Single(run.Manifest.Sources.Single().Warnings ?? []);
        Assert.Contains("no time a play could have ended", warning, StringComparison.Ordinal);
        _h.Spotify.RewritePlays = null;
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var next = await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        Assert.Equal(SourceStatus.Landed, next.Manifest.Sources.Single().Status);
        Assert.Equal(0, next.Manifest.Sources.Single().Items);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_saved_cursor_that_is_no_time_of_a_play_is_said_and_the_cursor_starts_again_from_the_latest_plays(int seed)
    {
        // A state saved before cursors were checked: asked after such a cursor, Spotify would answer nothing, run after run.
        var random = new Random(seed);
        _h.Spotify.Plays.AddRange(Enumerable.Range(0, 30).Select(Play));
        await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        var state = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_h.LakeFolder, ExtractionState.Key)))!;
        state["recently_played"]!["after"] = BogusCursor(random);
        await File.WriteAllTextAsync(Path.Combine(_h.LakeFolder, ExtractionState.Key), state.ToJsonString());
        _h.Spotify.Plays.AddRange(Enumerable.Range(30, 10).Select(Play));

        _h.Clock.Advance(TimeSpan.FromHours(1));
        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(SourceStatus.Landed, run.Manifest.Sources.Single().Status);
        Assert.Equal(Play(39), await SavedCursorAsync());
        Assert.Contains(run.Manifest.Sources.Single().Warnings ?? [], w => w.Contains("The saved cursor", StringComparison.Ordinal));
        Assert.Contains(Play(39), await LandedPlaysAsync());
    }

    private static long Play(int index) => Start + index * 200_000L;

    private async Task<long> SavedCursorAsync()
    {
        using var state = await _h.ReadJsonAsync(ExtractionState.Key);
        return long.Parse(state.RootElement.GetProperty("recently_played").GetProperty("after").GetString()!, CultureInfo.InvariantCulture);
    }

    private async Task<HashSet<long>> LandedPlaysAsync()
    {
        var plays = new HashSet<long>();
        foreach (var key in await _h.KeysAsync("raw/recently_played/"))
        {
            using var page = await _h.ReadJsonAsync(key);
            foreach (var item in page.RootElement.GetProperty("items").EnumerateArray())
            {
                plays.Add(item.GetProperty("played_at").GetDateTimeOffset().ToUnixTimeMilliseconds());
            }
        }
        return plays;
    }
}
