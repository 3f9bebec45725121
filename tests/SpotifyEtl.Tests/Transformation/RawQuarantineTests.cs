using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// What quarantine/ holds of a bad object: the bytes its reason speaks of, and its own reason, whatever else raw/ holds
/// and however the object changes while it is set aside.
/// </summary>
public sealed class RawQuarantineTests
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    [Fact]
    public async Task A_raw_object_rewritten_while_it_is_quarantined_leaves_in_quarantine_the_bytes_its_reason_speaks_of()
    {
        var raw = new VersionedStore();
        var key = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", "20261120T060000Z", 1).ToString();
        const string truncated = """{"items":[{"track":{"id":"t1""";
        var whole = Page(0, Play(Track("t1", "Song", Album("alb1", "Album", "2020", "year"), Artist("a1", "A")), "2026-11-20T05:00:00.000Z"));
        await raw.PutTextAsync(key, truncated, "application/json");
        var quarantine = LakeLayout.QuarantineKey(key);
        // The page lands again, whole, after the read that found it cut short and before the quarantine copy.
        raw.AfterPut = async written =>
        {
            if (written == quarantine + LakeLayout.ReasonSuffix)
            {
                raw.AfterPut = null;
                await raw.PutTextAsync(key, whole, "application/json");
            }
        };
        using var folder = new TempFolder();
        var lake = new LocalFolderStore(folder.Path);

        await new TransformPipeline(raw, lake, new TransformOptions { Format = TableFormat.Csv, StageRuns = true }).TransformAsync([key]);

        Assert.Equal(truncated, raw.Text(quarantine));
        Assert.Contains("not valid JSON", raw.Text(quarantine + LakeLayout.ReasonSuffix), StringComparison.Ordinal);
        // The page as it stands now went through: its play is in the day's table.
        Assert.Contains("2026-11-20T05:00:00.000Z", await lake.ReadAllTextAsync(TableFormat.Csv.PartitionKey(TableNames.Plays, Day)), StringComparison.Ordinal);
    }

    /// <summary>
    /// A quarantine reason copied back into raw/ beside its object (a mended quarantine/ copied over raw/), its object still
    /// bad or mended, in either order of the two: the reason file is named as unread and copied nowhere, and the object's
    /// own reason is what quarantine/ says of it, never the stray file's text.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_reason_file_copied_into_raw_is_named_unread_and_never_replaces_an_objects_reason(int seed)
    {
        var random = new Random(seed);
        using var folder = new TempFolder();
        var store = new LocalFolderStore(folder.Path);
        var key = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", "20261120T060000Z", random.Next(1, 5)).ToString();
        var stillBad = random.Next(2) == 0;
        await store.PutTextAsync(key, stillBad ? """{"items":[{"track""" : Page(0, Play(Track("t1", "Song", Album("alb1", "Album", "2020", "year"), Artist("a1", "A")), "2026-11-20T05:00:00.000Z")), "application/json");
        var stray = key + LakeLayout.ReasonSuffix;
        await store.PutTextAsync(stray, "it is not valid JSON: an old reason, copied back by hand\n", "text/plain");
        string[] keys = random.Next(2) == 0 ? [key, stray] : [stray, key];

        var report = await new TransformPipeline(store, store, new TransformOptions { Format = TableFormat.Csv }).TransformAsync(keys);

        var strayReport = Assert.Single(report.Objects, o => o.RawKey == stray);
        Assert.Equal(TransformStatus.Unreadable, strayReport.Status);
        Assert.Contains(LakeLayout.ReasonSuffix, strayReport.Reason, StringComparison.Ordinal);
        Assert.Equal("it is not valid JSON: an old reason, copied back by hand\n", await store.ReadAllTextAsync(stray));
        // The stray file's copy would be the object's reason: the same key.
        var reasonKey = LakeLayout.QuarantineKey(key) + LakeLayout.ReasonSuffix;
        Assert.Equal(LakeLayout.QuarantineKey(stray), reasonKey);
        if (stillBad)
        {
            Assert.Equal(TransformStatus.Quarantined, Assert.Single(report.Objects, o => o.RawKey == key).Status);
            Assert.DoesNotContain("copied back by hand", await store.ReadAllTextAsync(reasonKey), StringComparison.Ordinal);
        }
        else
        {
            Assert.False(await store.ExistsAsync(reasonKey));
        }
    }
}
