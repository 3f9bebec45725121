using System.Text.Json;
using System.Text.Json.Serialization;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Import;

/// <summary>One API play as staged for the history: what <see cref="ApiPlayReader"/> makes of it.</summary>
public sealed record StagedPlay(
    [property: JsonPropertyName("ended_at")] long EndedAt,
    [property: JsonPropertyName("ms_played")] int? MsPlayed,
    [property: JsonPropertyName("track_uri")] string TrackUri,
    [property: JsonPropertyName("track_name")] string? TrackName,
    [property: JsonPropertyName("artist_name")] string? ArtistName,
    [property: JsonPropertyName("album_name")] string? AlbumName)
{
    public static StagedPlay Of(ListeningRow row) => new(row.EndedAt, row.MsPlayed, row.TrackUri!, row.TrackName, row.ArtistName, row.AlbumName);

    public ListeningRow ToRow() => ApiPlayReader.Row(EndedAt, MsPlayed, TrackUri, TrackName, ArtistName, AlbumName);
}

/// <summary>
/// The API's plays of each snapshot day, filed by the month they ended in:
/// <c>staging/listening_history/api_plays/ended_month=yyyy-MM/snapshot_date=yyyy-MM-dd.json</c>. A function of the
/// day's raw recently-played pages, rewritten in place when the day is transformed again; a month the day no
/// longer has plays in keeps an empty file (nothing in staging is deleted). A month's plays are its files and its
/// neighbours', read without touching the raw pages of every day.
/// </summary>
public static class ApiPlayStage
{
    public const string Prefix = LakeLayout.Staging + "listening_history/api_plays/";

    private static string MonthPrefix(long monthStart) => $"{Prefix}{HistoryPublisher.PartitionColumn}={HistoryMonths.Key(monthStart)}/";

    public static string Key(long monthStart, DateOnly day) => $"{MonthPrefix(monthStart)}{LakeLayout.SnapshotSegment(day)}.json";

    /// <summary>Files each day's plays by month; returns the months whose files were written or emptied.</summary>
    public static async Task<SortedSet<long>> WriteDaysAsync(IObjectStore lake, IReadOnlyDictionary<DateOnly, List<ListeningRow>> days, CancellationToken cancellationToken)
    {
        var staged = new Dictionary<DateOnly, List<long>>();
        await foreach (var key in lake.ListAsync(Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (Parse(key) is var (month, day) && days.ContainsKey(day))
            {
                (staged.TryGetValue(day, out var months) ? months : staged[day] = []).Add(month);
            }
        }
        var changed = new SortedSet<long>();
        // Days side by side (a year of hourly extraction is hundreds of them): S3 round trips, not the CPU, bound this.
        await Parallel.ForEachAsync(days, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (entry, token) =>
        {
            var (day, plays) = entry;
            var months = plays.GroupBy(p => HistoryMonths.Start(p.EndedAt))
                .ToDictionary(g => g.Key, g => g.OrderBy(p => p, HistoryOrder.Instance).Select(StagedPlay.Of).ToList());
            foreach (var month in staged.GetValueOrDefault(day) ?? [])
            {
                months.TryAdd(month, []);
            }
            foreach (var (month, rows) in months)
            {
                var key = Key(month, day);
                var json = JsonSerializer.SerializeToUtf8Bytes(rows, StagedPlaysContext.Default.ListStagedPlay);
                if (!await SameAsync(lake, key, json, token).ConfigureAwait(false))
                {
                    await lake.PutBytesAsync(key, json, "application/json", token).ConfigureAwait(false);
                }
                lock (changed)
                {
                    changed.Add(month);
                }
            }
        }).ConfigureAwait(false);
        return changed;
    }

    /// <summary>
    /// The plays of one staged file as listed; null when what was read is not what was listed: another tag than the
    /// listing's (rewritten in between), or bytes that are no list of staged plays (cut short, emptied, or changed by a
    /// hand or a sync tool), which are first filed again from the day's raw pages, the staging's one source. Either way a
    /// new listing reads the file as it is now.
    /// </summary>
    public static async Task<List<ListeningRow>?> ReadAsync(IObjectStore raw, IObjectStore lake, ObjectVersion listed, CancellationToken cancellationToken)
    {
        List<StagedPlay>? plays;
        try
        {
            using var bytes = await lake.ReadPooledAsync(listed.Key, cancellationToken).ConfigureAwait(false);
            if (!bytes.IsListed(listed.Tag))
            {
                return null;
            }
            plays = Parsed(bytes.Span);
        }
        catch (ObjectNotFoundException)
        {
            // Listed, then gone: never deleted by the stack, so only by hand; the listing after the build notices.
            return [];
        }
        if (plays is null)
        {
            var (_, day) = Parse(listed.Key)!.Value;
            var read = await ApiPlayReader.ReadDayAsync(raw, day, cancellationToken).ConfigureAwait(false);
            if (read.Refused is [var denied, ..])
            {
                // Staged again without it, the day would drop its plays with nobody told: the rebuild fails, and is retried.
                throw new IOException($"{denied.RawKey}: the staged plays of {day:yyyy-MM-dd} were damaged and are staged again from the day's pages, " +
                                      $"and this page cannot be read ({denied.Reason}).");
            }
            await WriteDaysAsync(lake, new Dictionary<DateOnly, List<ListeningRow>> { [day] = read.ByDay.GetValueOrDefault(day) ?? [] }, cancellationToken)
                .ConfigureAwait(false);
            return null;
        }
        return [.. plays.Select(p => p.ToRow())];
    }

    /// <summary>A staged file's plays, or null when its bytes are not a list of whole staged plays.</summary>
    private static List<StagedPlay>? Parsed(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, StagedPlaysContext.Default.ListStagedPlay) is { } plays && !plays.Contains(null!) ? plays : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The staged files of a month's window; a file of another name under their folders (not the stack's) is left alone.</summary>
    public static async Task<List<ObjectVersion>> ListWindowAsync(IObjectStore lake, long monthStart, CancellationToken cancellationToken)
    {
        var versions = new List<ObjectVersion>();
        foreach (var month in new[] { HistoryMonths.Start(monthStart - 1), monthStart, HistoryMonths.Next(monthStart) })
        {
            await foreach (var version in lake.ListVersionsAsync(MonthPrefix(month), cancellationToken).ConfigureAwait(false))
            {
                if (Parse(version.Key) is not null)
                {
                    versions.Add(version);
                }
            }
        }
        return versions;
    }

    /// <summary>The month and day of a staged file's key.</summary>
    private static (long Month, DateOnly Day)? Parse(string key)
    {
        var parts = key[Prefix.Length..].Split('/');
        var month = $"{HistoryPublisher.PartitionColumn}=";
        var day = $"{StackContract.PartitionColumn}=";
        return parts.Length == 2 && parts[0].StartsWith(month, StringComparison.Ordinal) && HistoryMonths.Parse(parts[0][month.Length..]) is { } start
            && parts[1].StartsWith(day, StringComparison.Ordinal) && parts[1].EndsWith(".json", StringComparison.Ordinal)
            && DateOnly.TryParseExact(parts[1][day.Length..^".json".Length], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var date)
            ? (start, date) : null;
    }

    private static async Task<bool> SameAsync(IObjectStore lake, string key, byte[] json, CancellationToken cancellationToken)
    {
        try
        {
            using var kept = await lake.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
            return kept.Span.SequenceEqual(json);
        }
        catch (ObjectNotFoundException)
        {
            return false;
        }
    }
}

[JsonSerializable(typeof(ExportSpan))]
internal sealed partial class HistoryStagingContext : JsonSerializerContext;

/// <summary>Staged plays, each with its end and its track: a play without either is a damaged file, not a play of 1970.</summary>
[JsonSourceGenerationOptions(RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(List<StagedPlay>))]
internal sealed partial class StagedPlaysContext : JsonSerializerContext;
