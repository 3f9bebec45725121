using System.Globalization;
using System.Text;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// The days of a local lake that hold only part of a playlist (every extraction of the day that read it stopped partway),
/// as the transforms that wrote them found them: <c>state/partial-playlists.tsv</c>, a line per playlist and day (the day,
/// the playlist's id, the items landed, the list's total). The tables cannot say it themselves, and the questions that
/// compare a playlist's versions or days read the items missing there as dropped out, so <c>query</c> and <c>report</c>
/// say so while the day's version is one the answers compare, as the transform says it of the latest day. Each transform
/// replaces the lines of the days it wrote: a day extracted again whole leaves the file.
/// </summary>
internal static class PartialPlaylistDays
{
    private const string FileName = "partial-playlists.tsv";

    public static string PathOf(string lake) => Path.Combine(lake, LakeLayout.State, FileName);

    /// <summary>After a transform of <paramref name="days"/>: their lines are what it found; the other days' stay.</summary>
    public static void Record(string lake, IEnumerable<DateOnly> days, IEnumerable<PartialPlaylist> found)
    {
        var written = days.ToHashSet();
        var kept = Read(lake).Where(p => !written.Contains(p.SnapshotDate)).Concat(found.Where(p => written.Contains(p.SnapshotDate)))
            .OrderBy(p => p.SnapshotDate).ThenBy(p => p.PlaylistId, StringComparer.Ordinal).ToList();
        if (kept.Count == 0)
        {
            if (File.Exists(PathOf(lake)))
            {
                File.Delete(PathOf(lake));
            }
            return;
        }
        var text = new StringBuilder();
        foreach (var p in kept)
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.SnapshotDate:yyyy-MM-dd}\t{p.PlaylistId}\t{p.Entries}\t{p.Total}\n");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(lake))!);
        DurableFile.Replace(PathOf(lake), Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The days recorded; none for a lake without the file; a line that is not one of its lines (edited by hand) is passed over.</summary>
    public static IReadOnlyList<PartialPlaylist> Read(string lake)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(PathOf(lake));
        }
        // The open-file limit is not "none": a transform's record would drop the other days' lines.
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            // None, or none this user may read: nothing to say of the answers, which stand as they are.
            return [];
        }
        var read = new List<PartialPlaylist>(lines.Length);
        foreach (var fields in lines.Select(line => line.Split('\t')))
        {
            if (fields.Length == 4 && DateOnly.TryParseExact(fields[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                && fields[1].Length > 0 && int.TryParse(fields[2], CultureInfo.InvariantCulture, out var entries) && int.TryParse(fields[3], CultureInfo.InvariantCulture, out var total))
            {
                read.Add(new PartialPlaylist(day, fields[1], entries, total));
            }
        }
        return read;
    }

    /// <summary>
    /// The days among those recorded whose version of the playlist is one of its two latest (the versions playlist_changes
    /// compares, by the last day each was seen), with what they make the answers read wrongly and what mends them; null for
    /// none. An older partial day no longer moves that question, and is not said on every query for ever, as the transform
    /// says only the latest day's. Should the playlists table not be readable, every recorded day is said: the query that
    /// reads it will name the damage.
    /// </summary>
    public static string? Warning(string lake, LakeDatabase database)
    {
        var partial = Read(lake);
        if (partial.Count == 0)
        {
            return null;
        }
        try
        {
            var latest = database.Read(LatestVersionDays, "the playlists' two latest versions").Rows
                .Select(row => (row[0], row[1])).ToHashSet();
            partial = [.. partial.Where(p => latest.Contains((p.PlaylistId, $"{p.SnapshotDate:yyyy-MM-dd}")))];
        }
        catch (Exception exception) when (exception is LakeException or QueryFailedException)
        {
            // Said as recorded.
        }
        if (partial.Count == 0)
        {
            return null;
        }
        var named = string.Join(", ", partial.TakeLast(3).Reverse().Select(p => $"playlist {p.PlaylistId} on {p.SnapshotDate:yyyy-MM-dd} ({p.Entries:N0} of {p.Total:N0} items)"));
        return $"{partial.Count} {(partial.Count == 1 ? "day of a playlist holds" : "days of playlists hold")} only part of the list, every extraction of the day " +
               $"that read it having stopped partway: {named}{(partial.Count > 3 ? $", and {partial.Count - 3} earlier" : "")}. Its version is one of the two " +
               "latest of the playlist, which playlist_changes compares, reading the missing items as dropped out (or, once a newer version is seen, as new " +
               "entries); days_on_playlist and playlist_top_songs count them off that day. Extracting again on that day (UTC) and transforming replaces the part.";
    }

    /// <summary>Each playlist's days (yyyy-MM-dd) whose version is one of its two latest by the last day each was seen.</summary>
    private const string LatestVersionDays = """
        WITH version AS (
            SELECT playlist_id, playlist_snapshot_id, MAX(snapshot_date) AS last_seen
            FROM playlists
            GROUP BY playlist_id, playlist_snapshot_id
        ),
        ranked AS (
            SELECT playlist_id, playlist_snapshot_id, ROW_NUMBER() OVER (PARTITION BY playlist_id ORDER BY last_seen DESC) AS recency
            FROM version
        )
        SELECT p.playlist_id, strftime(CAST(p.snapshot_date AS DATE), '%Y-%m-%d') AS snapshot_date
        FROM playlists AS p
        JOIN ranked AS r ON r.playlist_id = p.playlist_id AND r.playlist_snapshot_id IS NOT DISTINCT FROM p.playlist_snapshot_id
        WHERE r.recency <= 2
        """;
}
