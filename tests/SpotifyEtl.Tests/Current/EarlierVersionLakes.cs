using System.IO.Compression;
using System.Text;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Current;

/// <summary>
/// Makes a lake the current version transformed look as if earlier versions had written some of its days:
/// a random subset of days loses its day digest (a version before digests existed) or has it in the earlier
/// layout (gzip JSON, which this version does not read), and so does a random subset of months; the marker
/// that the lake's digests are complete goes, and so does that of a first search for days without one. The partitions, and the current-state tables as they were, stay.
/// </summary>
internal static class EarlierVersionLakes
{
    public const string EarlierLayout = ".json.gz";

    /// <summary>Ages the days' digests and their months'; returns the days aged (at least one).</summary>
    public static async Task<List<DateOnly>> AgeAsync(IObjectStore lake, IReadOnlyList<DateOnly> days, Random random)
    {
        var aged = days.Where(_ => random.Next(2) == 0).ToList();
        if (aged.Count == 0)
        {
            aged.Add(days[random.Next(days.Count)]);
        }
        foreach (var day in aged)
        {
            await AgeAsync(lake, CurrentLayout.DayKey(day), random).ConfigureAwait(false);
        }
        foreach (var month in days.Select(d => new DateOnly(d.Year, d.Month, 1)).Distinct())
        {
            if (random.Next(2) == 0)
            {
                await AgeAsync(lake, CurrentLayout.MonthKey(month), random).ConfigureAwait(false);
            }
        }
        await lake.DeleteAsync(CurrentLayout.Complete).ConfigureAwait(false);
        await lake.DeleteAsync(CurrentLayout.Searched).ConfigureAwait(false);
        return aged;
    }

    /// <summary>Moves the time the first search for days without a digest began back by <paramref name="by"/>, as the marker says it.</summary>
    public static async Task BackdateSearchAsync(IObjectStore lake, TimeSpan by)
    {
        const string began = CurrentStatePublisher.SearchedAt;
        var lines = (await lake.ReadAllTextAsync(CurrentLayout.Searched).ConfigureAwait(false)).Split('\n');
        var at = Array.FindIndex(lines, line => line.StartsWith(began, StringComparison.Ordinal));
        Assert.True(at >= 0, $"the first search's mark says when it began: {string.Join(" / ", lines)}");
        var time = DateTimeOffset.Parse(lines[at][began.Length..], System.Globalization.CultureInfo.InvariantCulture);
        lines[at] = began + (time - by).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        await lake.PutTextAsync(CurrentLayout.Searched, string.Join('\n', lines), "text/plain; charset=utf-8").ConfigureAwait(false);
    }

    /// <summary>The digest goes; half the time a gzip JSON file of the earlier layout takes its place.</summary>
    private static async Task AgeAsync(IObjectStore lake, string key, Random random)
    {
        await lake.DeleteAsync(key).ConfigureAwait(false);
        if (random.Next(2) == 0)
        {
            using var gzip = new MemoryStream();
            using (var writer = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
            {
                writer.Write(Encoding.UTF8.GetBytes("{\"songs\":{\"t0\":[\"2026-01-01\",\"An earlier layout\"]}}"));
            }
            gzip.Position = 0;
            await lake.PutAsync(key.Replace(".digest", EarlierLayout, StringComparison.Ordinal), gzip, "application/gzip").ConfigureAwait(false);
        }
    }

    /// <summary>What is left under staging/current/ in the earlier layout.</summary>
    public static async Task<List<string>> LeftoversAsync(IObjectStore lake)
    {
        var keys = new List<string>();
        await foreach (var key in lake.ListAsync(CurrentLayout.Prefix).ConfigureAwait(false))
        {
            if (key.EndsWith(EarlierLayout, StringComparison.Ordinal))
            {
                keys.Add(key);
            }
        }
        return keys;
    }
}
