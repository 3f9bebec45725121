using SpotifyEtl.Import;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// A month of listening_history is rebuilt from its window's staged API plays on S3 (the fauxqs emulator) while a slower
/// transform of one of its days writes that day's plays stale and then, having seen its inputs change, fresh again: the
/// same bytes, so the same ETag, and a second listing of the staged files cannot tell. The rebuild reads the stale file in
/// between, sees its ETag differ from the listing's, and builds the month again.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class StagedPlaysReadOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_days_staged_plays_rewritten_stale_and_back_while_its_month_is_rebuilt_never_leave_the_month_stale(int seed)
    {
        var raw = new S3ObjectStore(_client, await server.CreateBucketAsync("raw"));
        var lake = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));
        var random = new Random(seed);
        var days = Enumerable.Range(1, random.Next(2, 6)).Select(d => new DateOnly(2026, 11, d * 4)).ToList();
        var raced = days[random.Next(days.Count)];
        var month = HistoryMonths.Start(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds());

        // The raced day's plays as the slower transform saw them (other names), then as its replay wrote them.
        await ApiPlayStage.WriteDaysAsync(lake, new Dictionary<DateOnly, List<ListeningRow>> { [raced] = Plays(raced, "Old ", random) }, default);
        var stale = await lake.ReadAllBytesAsync(ApiPlayStage.Key(month, raced));
        var fresh = days.ToDictionary(day => day, day => Plays(day, "New ", random));
        await ApiPlayStage.WriteDaysAsync(lake, fresh, default);

        var racing = new StaleInBetweenStore(lake, ApiPlayStage.Key(month, raced), stale);
        await new HistoryMonthBuilder(raw, racing, TableFormat.Csv).RebuildAsync([month], default);

        Assert.True(racing.Raced, "the raced day's staged plays were read while they held the stale bytes");
        var table = await lake.ReadAllTextAsync(HistoryPublisher.PartitionKey(TableFormat.Csv, HistoryMonths.Key(month)));
        Assert.DoesNotContain("Old ", table, StringComparison.Ordinal);
        foreach (var row in fresh.Values.SelectMany(rows => rows))
        {
            Assert.Contains(row.TrackName!, table, StringComparison.Ordinal);
        }
    }

    /// <summary>A few plays of a day, each a track of its own named with the prefix.</summary>
    private static List<ListeningRow> Plays(DateOnly day, string prefix, Random random)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        return [.. Enumerable.Range(0, random.Next(1, 5)).Select(i =>
        {
            var track = $"{day:MMdd}x{i}";
            return ApiPlayReader.Row(start + 3600 * (i + 1), 180_000, $"spotify:track:{track}", $"{prefix}{track}", "Artist", "Album");
        })];
    }

    public void Dispose() => _client.Dispose();
}
