using SpotifyEtl.Lake;
using Xunit;

namespace SpotifyEtl.Tests.Lake;

public class RawObjectKeyTests
{
    [Fact]
    public void A_key_reads_back_as_the_source_date_subject_run_and_page_it_was_made_from()
    {
        var key = new RawObjectKey(RawSource.PlaylistItems, new DateOnly(2026, 11, 21), "3cEYpjA9oz9GiPac4AsH4n",
            RawObjectKey.FormatRunId(new DateTimeOffset(2026, 11, 21, 6, 0, 5, TimeSpan.FromHours(2))), 2);

        Assert.Equal("raw/playlist_items/snapshot_date=2026-11-21/3cEYpjA9oz9GiPac4AsH4n/20261121T040005Z-p0002.json", key.ToString());
        Assert.Equal(key, RawObjectKey.Parse(key.ToString()));
    }

    [Fact]
    public void Keys_hold_no_spaces_or_colons_and_sort_by_source_date_subject_run_and_page()
    {
        var keys = new[]
        {
            new RawObjectKey(RawSource.RecentlyPlayed, new DateOnly(2026, 11, 21), "me", "20261121T060000Z", 1),
            new RawObjectKey(RawSource.PlaylistItems, new DateOnly(2026, 11, 21), "pl", "20261121T060000Z", 10),
            new RawObjectKey(RawSource.PlaylistItems, new DateOnly(2026, 11, 21), "pl", "20261121T060000Z", 9),
            new RawObjectKey(RawSource.PlaylistItems, new DateOnly(2026, 11, 20), "pl", "20261120T230000Z", 1),
        };

        Assert.All(keys, key => Assert.DoesNotMatch("[ :]", key.ToString()));
        Assert.Equal(
            [keys[3], keys[2], keys[1], keys[0]],
            keys.OrderBy(key => key.ToString(), StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("raw/2026-11-21 06:00:00.123456.json", "is not of the form raw/{source}/snapshot_date=YYYY-MM-DD/{subject}/{run}-pNNNN.json")]
    [InlineData("raw/podcasts/snapshot_date=2026-11-21/me/20261121T060000Z-p0001.json", "not a known source")]
    [InlineData("raw/playlist_items/snapshot_date=2026-02-30/pl/20261121T060000Z-p0001.json", "not a calendar date")]
    public void A_key_that_is_not_in_the_raw_layout_is_refused_with_the_reason(string key, string reason)
    {
        var error = Assert.Throws<FormatException>(() => RawObjectKey.Parse(key));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
