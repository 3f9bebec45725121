using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Edges;

/// <summary>
/// Each class of hostile raw object, generated many times over, through the local lake: no crash, no hang,
/// each object reported once with its true reason, the good objects beside them transformed.
/// </summary>
public sealed class HostileObjectsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<(TransformBatchReport Report, LocalFolderStore Lake)> TransformAsync(IReadOnlyList<HostileInput> inputs)
    {
        var lake = new LocalFolderStore(_folder.Path);
        var report = await HostileAssertions.LandAndTransformAsync(lake, lake, inputs, stageRuns: false);
        await HostileAssertions.AssertEveryInputAccountedForAsync(report, inputs, lake);
        return (report, lake);
    }

    [Fact]
    public async Task An_escape_that_decodes_to_a_lone_surrogate_quarantines_its_object_alone_and_the_day_is_published()
    {
        List<HostileInput> inputs = [.. HostileInputs.Good(), .. HostileInputs.LoneSurrogates(60, seed: 21)];

        var (report, lake) = await TransformAsync(inputs);

        Assert.Equal(60, report.Quarantined);
        Assert.True(await lake.ExistsAsync(TableFormat.Csv.PartitionKey(TableNames.Songs, HostileInputs.Day)));
        Assert.True(await lake.ExistsAsync(TableFormat.Csv.PartitionKey(TableNames.Plays, HostileInputs.Day)));
    }

    [Fact]
    public async Task Every_item_with_a_timestamp_that_is_missing_or_no_instant_is_counted_with_its_reason_never_dropped()
    {
        List<HostileInput> inputs = [.. HostileInputs.Good(), .. HostileInputs.Timestamps(pages: 30, seed: 5)];

        var (report, _) = await TransformAsync(inputs);

        var stamped = report.Objects.Where(o => o.RawKey.Contains("-p01", StringComparison.Ordinal)).ToList();
        Assert.True(stamped.Sum(o => o.Skipped.Unreadable) > 50, "the generator made too few bad timestamps");
        Assert.All(stamped.SelectMany(o => o.UnreadableReasons ?? []), reason =>
            Assert.Matches(@"^items\[\d+\]\.(played_at|added_at) .+ is not an ISO 8601 instant$", reason));
    }

    [Fact]
    public async Task A_page_offset_that_would_put_a_position_outside_one_to_int_max_quarantines_the_page_instead_of_wrapping()
    {
        var inputs = HostileInputs.Offsets(seed: 4).ToList();

        var (report, _) = await TransformAsync(inputs);

        Assert.True(report.Quarantined >= 10, $"only {report.Quarantined} offsets were out of range");
        Assert.True(report.Transformed >= 4, $"only {report.Transformed} offsets were in range");
        foreach (var input in inputs.Where(i => i.Reason is null))
        {
            var rows = RawObjectTransformer.Transform(RawObjectKey.Parse(input.Key), System.Text.Encoding.UTF8.GetBytes(input.Json));
            Assert.All(rows.TopItems, item => Assert.InRange(item.Rank, 1, int.MaxValue));
        }
    }

    [Fact]
    public async Task A_key_repeated_at_the_top_of_a_page_or_nesting_past_the_depth_limit_is_quarantined_with_that_reason()
    {
        List<HostileInput> inputs = [.. HostileInputs.Good(), .. HostileInputs.DuplicatesAndDepth(seed: 8)];

        var (report, _) = await TransformAsync(inputs);

        Assert.DoesNotContain(report.Objects, o => o.Reason?.Contains("truncated", StringComparison.Ordinal) == true);
        var repeated = inputs.Single(i => i.Json.Contains("\"id\":\"first\",\"id\":\"dup2\"", StringComparison.Ordinal));
        var lastWins = RawObjectTransformer.Transform(RawObjectKey.Parse(repeated.Key), System.Text.Encoding.UTF8.GetBytes(repeated.Json));
        Assert.Equal(["dup2"], lastWins.Songs.Keys);
    }
}
