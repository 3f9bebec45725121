using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;

namespace SpotifyEtl.Cli.Report;

/// <summary>
/// The days a local lake's runs name in their manifests as a recently-played gap: more plays between two runs than Spotify
/// keeps, so plays of those days may be missing, and a week that meets them would read as less listening. A lake in S3
/// keeps its manifests in the raw bucket, which the report does not read: there it knows of none.
/// </summary>
internal static class PlayGaps
{
    /// <summary>Each gap's days (UTC), from the day of the last play before it to the day of the first after it, in order.</summary>
    public static IReadOnlyList<(DateOnly From, DateOnly To)> Read(string lakeFolder)
    {
        var folder = Path.Combine(lakeFolder, LakeLayout.Manifests.TrimEnd('/'));
        var gaps = new HashSet<(DateOnly From, DateOnly To)>();
        try
        {
            if (!Directory.Exists(folder))
            {
                return [];
            }
            // A FIFO would hold the read until something wrote to it: only regular files are read.
            foreach (var file in Directory.EnumerateFiles(folder, "*.json").Where(file => SpotifyEtl.Storage.LocalEntry.NotARegularFile(file) is null))
            {
                try
                {
                    var manifest = JsonSerializer.Deserialize(File.ReadAllBytes(file), ExtractionJsonContext.Default.ExtractionManifest);
                    // A gap a hand-written or damaged manifest gives without its ends, or with them out of order, names no days.
                    foreach (var gap in manifest?.Sources?.Select(source => source?.Gap).OfType<RecentlyPlayedGap>()
                        .Where(gap => gap.After > DateTimeOffset.UnixEpoch && gap.Before >= gap.After) ?? [])
                    {
                        gaps.Add((DateOnly.FromDateTime(gap.After.UtcDateTime), DateOnly.FromDateTime(gap.Before.UtcDateTime)));
                    }
                }
                catch (Exception exception) when (exception is JsonException or NotSupportedException || SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
                {
                    // A manifest that cannot be read tells of no gap; the report is about the tables.
                }
            }
        }
        catch (Exception exception) when (SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
        {
            // A manifests folder that cannot be listed tells of no gap either: the gaps found so far stand.
        }
        return [.. gaps.Order()];
    }
}
