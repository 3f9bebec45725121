using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>A raw object rewritten between the read that found it bad and its quarantine copy, on a versioned bucket.</summary>
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
}
