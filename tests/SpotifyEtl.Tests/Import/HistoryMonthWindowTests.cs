using SpotifyEtl.Import;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// A month of the history rebuilt from its window's rows alone (what the transform does with a day's API plays) is
/// the month the whole merge writes, for generated histories dense around month edges: exact duplicates, account
/// rows, and API plays near export streams of the same track on both sides of midnight at a month's end.
/// </summary>
public sealed class HistoryMonthWindowTests
{
    private static readonly long[] Edges =
    [
        new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(),
        new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(),
        new DateTimeOffset(2024, 4, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(),
    ];

    private static List<ListeningRow>[] Generate(int seed)
    {
        var random = new Random(seed);
        var extended = new List<ListeningRow>();
        var account = new List<ListeningRow>();
        var api = new List<ListeningRow>();
        string Track() => $"spotify:track:t{random.Next(6)}";
        long Near() => Edges[random.Next(Edges.Length)] + random.Next(-2 * 86_400, 2 * 86_400) / (random.Next(3) == 0 ? 1 : 500);
        for (var i = 0; i < 400; i++)
        {
            var at = Near();
            var uri = Track();
            var row = new ListeningRow(at, random.Next(0, 240_000), ContentTypes.Track, uri, "Song " + uri[^1], "Artist", "Album", null, null, null,
                null, null, null, "clickrow", "trackdone", false, random.Next(2) == 0, false, false, null, "ios", "SE", HistorySource.Extended);
            extended.Add(row);
            if (random.Next(10) == 0)
            {
                extended.Add(row); // an exact duplicate
            }
            if (random.Next(3) == 0)
            {
                // The API's play of the same stream, a few seconds off; sometimes twice, sometimes a play the export lacks.
                api.Add(ApiPlayReader.Row(at + random.Next(-20, 21), 200_000, uri, "Song " + uri[^1], "Artist", "Album"));
            }
        }
        for (var i = 0; i < 150; i++)
        {
            var uri = Track();
            var at = Near() + 40 * 86_400; // beyond the extended history, so kept and matched by name
            account.Add(new ListeningRow(at / 60 * 60, random.Next(0, 240_000), ContentTypes.Track, null, "Song " + uri[^1], "Artist", null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, HistorySource.Account));
            if (random.Next(2) == 0)
            {
                api.Add(ApiPlayReader.Row(at + random.Next(-30, 90), 200_000, uri, "Song " + uri[^1], "Artist", "Album"));
            }
        }
        return [extended, account, api];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_month_rebuilt_from_its_window_alone_equals_that_month_of_the_whole_merge(int seed)
    {
        var inputs = Generate(seed);
        var whole = HistoryMerge.Merge(inputs);
        var span = new ExtendedSpan(inputs[0].Min(r => r.EndedAt), inputs[0].Max(r => r.EndedAt));
        var months = whole.Rows.Select(r => HistoryMonths.Start(r.EndedAt)).Distinct().Order().ToList();
        Assert.True(months.Count >= 4);
        Assert.Contains(whole.Rows, r => r.Source == HistorySource.Api);
        Assert.True(whole.Origins[2].Covered > 0, "some API plays are the export's streams");
        foreach (var month in months)
        {
            var (from, to) = HistoryMonths.Window(month);
            var window = inputs.Select(i => (IReadOnlyList<ListeningRow>)i.Where(r => r.EndedAt >= from && r.EndedAt < to).ToList()).ToList();
            var alone = HistoryMerge.Merge(window, span).Rows.Where(r => HistoryMonths.Start(r.EndedAt) == month).ToList();
            Assert.Equal(whole.Rows.Where(r => HistoryMonths.Start(r.EndedAt) == month), alone);
        }
    }

    [Fact]
    public void An_api_play_just_after_midnight_and_the_exports_stream_just_before_a_month_ends_are_one_row()
    {
        var edge = Edges[1];
        var stream = new ListeningRow(edge - 5, 180_000, ContentTypes.Track, "spotify:track:t1", "Song 1", "Artist", "Album", null, null, null,
            null, null, null, "clickrow", "trackdone", false, false, false, false, null, "ios", "SE", HistorySource.Extended);
        var play = ApiPlayReader.Row(edge + 5, 180_000, "spotify:track:t1", "Song 1", "Artist", "Album");
        var merged = HistoryMerge.Merge([[stream], [play]]);
        Assert.Equal(stream, Assert.Single(merged.Rows));
        Assert.Equal(1, merged.Origins[1].Covered);
    }
}
