using SpotifyEtl.Lake;
using Xunit;

namespace SpotifyEtl.Tests.Lake;

public sealed class LakeLayoutTests
{
    [Fact]
    public void The_date_of_a_keys_snapshot_segment_is_read_back_as_it_was_written_and_nothing_else_is_taken_for_one()
    {
        var random = new Random(26);
        string[] before = ["raw/playlist_items/", "staging/", "transformed/songs/", "reports/", "raw/x/y/z/"];
        string[] after = ["/run=20261125T060000Z/page-0001.json", "/songs.parquet", "/", "", "/a/b.json.gz"];
        for (var trial = 0; trial < 500; trial++)
        {
            var date = DateOnly.FromDayNumber(random.Next(DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber + 1));
            var key = before[random.Next(before.Length)] + LakeLayout.SnapshotSegment(date) + after[random.Next(after.Length)];

            Assert.Equal(date, LakeLayout.SnapshotDateOf(key));
            // The same key cut inside its date, or with the segment's name changed, holds no date.
            Assert.Null(LakeLayout.SnapshotDateOf(key[..(key.IndexOf("snapshot_date=", StringComparison.Ordinal) + "snapshot_date=".Length + random.Next(0, 10))]));
            Assert.Null(LakeLayout.SnapshotDateOf(key.Replace("snapshot_date=", "snapshot_day=", StringComparison.Ordinal)));
        }
    }

    [Theory]
    [InlineData("raw/playlist/snapshot_date=2026-02-30/page.json")]
    [InlineData("raw/playlist/snapshot_date=2026-1-05/page.json")]
    [InlineData("raw/playlist/snapshot_date=26-11-2025/page.json")]
    [InlineData("snapshot_date=2026-11-25/page.json")]
    [InlineData("")]
    public void A_key_whose_segment_holds_no_calendar_date_in_that_form_has_none(string key) =>
        Assert.Null(LakeLayout.SnapshotDateOf(key));
}
