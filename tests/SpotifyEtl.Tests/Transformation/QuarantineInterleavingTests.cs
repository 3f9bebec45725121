using System.Text;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// A raw object landed again while its first version's event is handled, each version bad for a reason of its own:
/// S3 sends an event per version, and two invocations may set the two versions aside at once (or one version twice,
/// an event sent again). Whatever order their writes fall in, quarantine/ is left holding one version's bytes beside
/// that same version's reason.
/// </summary>
public sealed class QuarantineInterleavingTests
{
    private static readonly string Key =
        new RawObjectKey(RawSource.RecentlyPlayed, new DateOnly(2026, 11, 20), "me", "20261120T060000Z", 1).ToString();

    /// <summary>What a version holds and why it is bad, each different from the others'.</summary>
    private static readonly (string Bytes, string Reason)[] BadVersions =
    [
        ("""{"items":[{"track":{"id":"t1""", "it is not valid JSON: it ends before the document does"),
        ("", "it is empty: not valid JSON"),
        ("""{"items":"none"}""", "'$.items' is a string where an array was expected"),
        ("""[1, 2, 3]""", "the document is an array where an object was expected"),
    ];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 120)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Writers_setting_aside_versions_of_one_object_at_once_leave_a_copy_and_a_reason_of_the_same_version(int seed)
    {
        var random = new Random(seed);
        var bucket = new VersionedStore();
        // Two to four versions landed, one after the other; each event is handled by an invocation of its own, and some
        // events twice (S3 sends an event again).
        var versions = new List<(string Version, string Bytes, string Reason)>();
        foreach (var (bytes, reason) in BadVersions.Take(random.Next(2, BadVersions.Length + 1)))
        {
            await bucket.PutTextAsync(Key, bytes, "application/json");
            versions.Add((bucket.CurrentVersion(Key), bytes, reason));
        }
        var events = versions.Concat(versions.Where(_ => random.Next(4) == 0)).OrderBy(_ => random.Next()).ToList();
        var turns = new Interleaving(seed, events.Count);

        var reports = await Task.WhenAll(events.Select((handled, writer) => turns.RunAsync(() =>
        {
            var invalid = new InvalidRawObjectException(Key, handled.Reason);
            var store = new TurnTakingStore(bucket, turns, $"invocation {writer + 1} ({handled.Version})");
            return new RawQuarantine(store).QuarantineAsync(Key, handled.Version, invalid, CancellationToken.None);
        })));

        Assert.All(reports, report => Assert.Equal(TransformStatus.Quarantined, report.Status));
        var quarantine = LakeLayout.QuarantineKey(Key);
        var reasonText = bucket.Text(quarantine + LakeLayout.ReasonSuffix);
        var order = string.Join("\n", turns.Calls);
        var spokenOf = versions.Where(v => reasonText.Contains(v.Reason, StringComparison.Ordinal)).ToList();
        var version = Assert.Single(spokenOf);
        Assert.True(version.Bytes == bucket.Text(quarantine),
            $"The reason speaks of {version.Version} (\"{version.Reason}\") but the copy beside it holds \"{bucket.Text(quarantine)}\", " +
            $"after these calls:\n{order}");
        Assert.Contains(version.Version, reasonText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copy_landing_after_the_reason_of_another_version_is_followed_by_the_copy_of_that_version()
    {
        var bucket = new VersionedStore();
        await bucket.PutTextAsync(Key, BadVersions[0].Bytes, "application/json");
        var first = bucket.CurrentVersion(Key);
        await bucket.PutTextAsync(Key, BadVersions[1].Bytes, "application/json");
        var second = bucket.CurrentVersion(Key);
        var quarantine = LakeLayout.QuarantineKey(Key);
        // The first version's invocation is held at its copy until the second's has written its reason and copy.
        var held = new CopyHeldStore(bucket);

        var firstWriter = new RawQuarantine(held).QuarantineAsync(Key, first, new InvalidRawObjectException(Key, BadVersions[0].Reason), CancellationToken.None);
        await held.Reached.Task;
        await new RawQuarantine(bucket).QuarantineAsync(Key, second, new InvalidRawObjectException(Key, BadVersions[1].Reason), CancellationToken.None);
        Assert.Equal(BadVersions[1].Bytes, bucket.Text(quarantine));
        held.Release.SetResult();
        await firstWriter;

        Assert.Contains(BadVersions[1].Reason, bucket.Text(quarantine + LakeLayout.ReasonSuffix), StringComparison.Ordinal);
        Assert.Equal(BadVersions[1].Bytes, bucket.Text(quarantine));
        Assert.Contains($"{RawQuarantine.VersionLine}{second} of {Key}.", bucket.Text(quarantine + LakeLayout.ReasonSuffix), StringComparison.Ordinal);
    }

    /// <summary>Holds the first copy of a version until released.</summary>
    private sealed class CopyHeldStore(IObjectStore inner) : ForwardingStore(inner), IObjectStore
    {
        private readonly IObjectStore _inner = inner;
        private int _copies;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<PooledBytes> ReadPooledAsync(string key, CancellationToken cancellationToken = default) => _inner.ReadPooledAsync(key, cancellationToken);

        public async Task CopyVersionAsync(string sourceKey, string sourceVersion, string destinationKey, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _copies) == 1)
            {
                Reached.SetResult();
                await Release.Task;
            }
            await _inner.CopyVersionAsync(sourceKey, sourceVersion, destinationKey, cancellationToken);
        }
    }
}
