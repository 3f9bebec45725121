using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Current;

/// <summary>
/// An invocation reuses a digest it wrote only while the stored bytes are still exactly those: a digest
/// another invocation rewrote in between is decoded, never answered from memory.
/// </summary>
public sealed class KnownDigestsTests
{
    private static DimensionState StateOf(string songId) => new(
        [new CurrentRow<SongRow>("2026-11-20", new SongRow(songId, $"Song {songId}", null, null, null, null, null, null, null, null, null))], [], [], [], []);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void A_digest_is_reused_only_while_its_bytes_are_unchanged(int seed)
    {
        var random = new Random(seed);
        var known = new KnownDigests();
        var key = "staging/current/days/2026-11/snapshot_date=2026-11-20.json.gz";
        var ours = StateOf($"ours{random.Next()}");
        var bytes = ours.Compress();
        known.Remember(key, bytes, ours);

        Assert.Same(ours, known.Find(key, (byte[])bytes.Clone()));

        // Another invocation's rewrite: any changed byte, a shorter or a longer object.
        var changed = (byte[])bytes.Clone();
        changed[random.Next(changed.Length)] ^= (byte)(1 + random.Next(255));
        Assert.Null(known.Find(key, changed));
        Assert.Null(known.Find(key, bytes[..^1]));
        Assert.Null(known.Find(key, [.. bytes, 0]));
        Assert.Null(known.Find(key.Replace("20", "21", StringComparison.Ordinal), bytes));
    }

    [Fact]
    public void Only_the_latest_digests_are_kept_so_a_backfill_does_not_hold_every_day()
    {
        var known = new KnownDigests();
        var written = Enumerable.Range(1, 100)
            .Select(day => (Key: $"staging/current/days/{day}.json.gz", State: StateOf($"s{day}")))
            .Select(d => (d.Key, d.State, Bytes: d.State.Compress()))
            .ToList();
        foreach (var (key, state, bytes) in written)
        {
            known.Remember(key, bytes, state);
        }

        var kept = written.Count(d => known.Find(d.Key, d.Bytes) is not null);
        Assert.InRange(kept, 1, 40);
        Assert.NotNull(known.Find(written[^1].Key, written[^1].Bytes));
        Assert.Null(known.Find(written[0].Key, written[0].Bytes));
    }
}
