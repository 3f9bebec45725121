using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Edges;

/// <summary>Lands hostile inputs beside good ones, transforms them, and checks every promise the transformation makes about them.</summary>
internal static class HostileAssertions
{
    public static async Task<TransformBatchReport> LandAndTransformAsync(IObjectStore raw, IObjectStore lake, IReadOnlyList<HostileInput> inputs, bool stageRuns)
    {
        foreach (var input in inputs)
        {
            await raw.PutTextAsync(input.Key, input.Json, "application/json");
        }
        var keys = new List<string>();
        await foreach (var key in raw.ListAsync(LakeLayout.Raw))
        {
            keys.Add(key);
        }
        // A hang is a failure too: no input may stall the run.
        return await new TransformPipeline(raw, lake, new TransformOptions { Format = TableFormat.Csv, StageRuns = stageRuns })
            .TransformAsync(keys).WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>Each input reported exactly once, with the outcome and reason it must have; the good ones transformed; a copy and a reason per quarantined one.</summary>
    public static async Task AssertEveryInputAccountedForAsync(TransformBatchReport report, IReadOnlyList<HostileInput> inputs, IObjectStore raw)
    {
        Assert.Equal(report.Objects.Count, report.Objects.Select(o => o.RawKey).Distinct(StringComparer.Ordinal).Count());
        var byKey = report.Objects.ToDictionary(o => o.RawKey, StringComparer.Ordinal);
        Assert.Equal(inputs.Select(i => i.Key).Order(StringComparer.Ordinal), byKey.Keys.Order(StringComparer.Ordinal));
        foreach (var input in inputs)
        {
            var outcome = byKey[input.Key];
            if (input.Reason is null)
            {
                Assert.True(outcome.Status == TransformStatus.Transformed, $"{input.Key} was {outcome.Status}: {outcome.Reason}");
                Assert.True(input.Unreadable == outcome.Skipped.Unreadable, $"{input.Key}: {outcome.Skipped.Unreadable} unreadable items, expected {input.Unreadable}");
                Assert.Equal(Math.Min(input.Unreadable, 5), outcome.UnreadableReasons?.Count ?? 0);
                if (input.Rows is { } rows)
                {
                    var facts = RawObjectTransformer.Transform(RawObjectKey.Parse(input.Key), System.Text.Encoding.UTF8.GetBytes(input.Json));
                    Assert.Equal(rows, facts.Plays.Count + facts.SavedTracks.Count + facts.PlaylistEntries.Count + facts.TopItems.Count);
                }
            }
            else
            {
                Assert.True(outcome.Status == TransformStatus.Quarantined, $"{input.Key} was {outcome.Status}, expected quarantined for \"{input.Reason}\"");
                Assert.Contains(input.Reason, outcome.Reason, StringComparison.Ordinal);
                AssertPlainReason(outcome.Reason!);
                var reason = await raw.ReadAllTextAsync(outcome.QuarantineKey + LakeLayout.ReasonSuffix);
                Assert.Contains(input.Reason, reason, StringComparison.Ordinal);
                Assert.Equal(input.Json, await raw.ReadAllTextAsync(outcome.QuarantineKey!));
                Assert.Equal(input.Json, await raw.ReadAllTextAsync(input.Key));
            }
        }
    }

    /// <summary>A reason a person reads: one line, in words, without the runtime's type names or reader positions.</summary>
    public static void AssertPlainReason(string reason)
    {
        Assert.DoesNotContain('\n', reason);
        Assert.DoesNotContain("LineNumber", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", reason, StringComparison.Ordinal);
    }
}
