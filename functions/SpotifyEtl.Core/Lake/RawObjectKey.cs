using System.Globalization;
using System.Text.RegularExpressions;

namespace SpotifyEtl.Lake;

/// <summary>
/// Where one Spotify response lands, and everything the transformation learns from that place:
/// <c>raw/{source}/snapshot_date={yyyy-MM-dd}/{subject}/{run}-p{page:0000}.json</c>, for example
/// <c>raw/playlist_items/snapshot_date=2026-11-21/3cEYpjA9oz9GiPac4AsH4n/20261121T060000Z-p0002.json</c>.
/// Keys sort by source, date, subject, run and page; they hold no spaces or colons.
/// </summary>
/// <param name="Subject">The playlist id, the time range of a top list, or <c>me</c>.</param>
/// <param name="RunId">The extraction run's start, UTC, as <c>yyyyMMddTHHmmssZ</c>.</param>
public sealed partial record RawObjectKey(RawSource Source, DateOnly SnapshotDate, string Subject, string RunId, int Page)
{
    public const string Prefix = LakeLayout.Raw;
    public const string Extension = ".json";

    public static string FormatRunId(DateTimeOffset startedAt) =>
        startedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Whether the text has a run id's shape (<c>yyyyMMddTHHmmssZ</c>, digits where digits go), as a raw key's run part has.</summary>
    public static bool IsRunId(ReadOnlySpan<char> text) =>
        text.Length == 16 && text[8] == 'T' && text[15] == 'Z' && !text[..8].ContainsAnyExceptInRange('0', '9') && !text[9..15].ContainsAnyExceptInRange('0', '9');

    /// <summary>The start a run id names, or null when <paramref name="runId"/> is not one.</summary>
    public static DateTimeOffset? ParseRunId(string? runId) =>
        DateTimeOffset.TryParseExact(runId, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var start) ? start : null;

    public override string ToString() =>
        $"{Prefix}{Source.ToKeySegment()}/{LakeLayout.SnapshotSegment(SnapshotDate)}/{Subject}/{RunId}-p{Page:0000}{Extension}";

    /// <summary>A name unique to this raw object, used for every file derived from it.</summary>
    public string DerivedName => $"{Source.ToKeySegment()}.{Subject}.{RunId}.p{Page:0000}";

    public static RawObjectKey Parse(string key) =>
        TryParse(key, out var parsed, out var reason)
            ? parsed
            : throw new FormatException($"'{key}' is not a raw object key: {reason}.");

    public static bool TryParse(string key, out RawObjectKey parsed, out string reason)
    {
        parsed = null!;
        var match = KeyPattern().Match(key);
        if (!match.Success)
        {
            reason = "its path is not of the form raw/{source}/snapshot_date=YYYY-MM-DD/{subject}/{run}-pNNNN.json";
            return false;
        }
        if (!RawSourceNames.TryParse(match.Groups["source"].Value, out var source))
        {
            reason = $"'{match.Groups["source"].Value}' is not a known source ({string.Join(", ", RawSourceNames.All)})";
            return false;
        }
        if (!DateOnly.TryParseExact(match.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            reason = $"'{match.Groups["date"].Value}' is not a calendar date";
            return false;
        }
        parsed = new RawObjectKey(source, date, match.Groups["subject"].Value, match.Groups["run"].Value,
            int.Parse(match.Groups["page"].Value, CultureInfo.InvariantCulture));
        reason = "";
        return true;
    }

    // ASCII digits only (\d matches every Unicode digit, which int.Parse and the run order do not know), and \z, not
    // $: $ also matches before a final line break, so "...-p0001.json\n" would pass as another object's key.
    [GeneratedRegex(@"^raw/(?<source>[a-z_]+)/snapshot_date=(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})/(?<subject>[A-Za-z0-9_\-]+)/(?<run>[0-9]{8}T[0-9]{6}Z)-p(?<page>[0-9]{4})\.json\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
