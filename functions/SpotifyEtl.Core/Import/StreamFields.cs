using System.Globalization;
using System.Text.Json;

namespace SpotifyEtl.Import;

/// <summary>
/// The fields one object of a streaming-history file holds, whichever era wrote it. Keys this reader does not
/// know are skipped; identifying keys (IP address, user name, user agent) are never read into it.
/// </summary>
internal struct StreamFields
{
    public string? Ts;
    /// <summary><c>ts</c> already read from its bytes (the export's own form); <see cref="Ts"/> holds any other form.</summary>
    public long? TsSeconds;
    public string? EndTime;
    public long? MsPlayed;
    public string? Platform;
    public string? ConnCountry;
    public string? TrackName;
    public string? ArtistName;
    public string? AlbumName;
    public string? TrackUri;
    public string? EpisodeName;
    public string? ShowName;
    public string? EpisodeUri;
    public string? AudiobookTitle;
    public string? AudiobookUri;
    public string? ChapterUri;
    public string? ChapterTitle;
    public string? AuthorName;
    public string? ReasonStart;
    public string? ReasonEnd;
    public bool? Shuffle;
    public bool? Skipped;
    public bool? Offline;
    public bool? Incognito;
    public long? OfflineTimestamp;
    public bool HasTs;
    public bool HasEndTime;
    /// <summary>Whether the object has <c>ms_played</c> (or <c>msPlayed</c>), how long the stream played: every stream of the export has it.</summary>
    public bool HasLength;
    /// <summary>Whether <c>ms_played</c> held a value that is no whole number of milliseconds from 0 to int.MaxValue: the row is kept without it.</summary>
    public bool LengthUnread;
    /// <summary>What <c>ts</c> and <c>endTime</c> were in the JSON, for the reason a row could not be read.</summary>
    public JsonTokenType TsToken;
    public JsonTokenType EndTimeToken;
    /// <summary>Why a value was too long for a table (the first such): the stream makes no row.</summary>
    public string? TooLong;

    /// <summary>The row these fields make, or the reason they make none.</summary>
    public readonly (ListeningRow? Row, string? Problem) ToRow()
    {
        if (TooLong is not null)
        {
            return (null, TooLong);
        }
        // A file that merged both eras' rows in one table (pandas does) gives each row the other era's key as null.
        if (HasTs && !(TsToken == JsonTokenType.Null && HasEndTime && EndTimeToken != JsonTokenType.Null))
        {
            var ended = TsSeconds ?? ExportTime.ParseTs(Ts);
            if (ended is null)
            {
                return (null, TimeProblem("ts", TsToken, Ts, "2021-03-04T05:06:07Z"));
            }
            var content = TrackUri is not null || TrackName is not null ? ContentTypes.Track
                : EpisodeUri is not null || EpisodeName is not null ? ContentTypes.Episode
                : ChapterUri is not null || AudiobookUri is not null || AudiobookTitle is not null || ChapterTitle is not null ? ContentTypes.Audiobook
                : ContentTypes.Unknown;
            return (new ListeningRow(ended.Value, Milliseconds(MsPlayed), content, TrackUri, TrackName, ArtistName, AlbumName,
                EpisodeUri, EpisodeName, ShowName, AudiobookTitle, ChapterUri, ChapterTitle, ReasonStart, ReasonEnd,
                Shuffle, Skipped, Offline, Incognito, ExportTime.Offline(OfflineTimestamp), PlatformFamily.Normalize(Platform), ConnCountry,
                HistorySource.Extended), null);
        }
        if (HasEndTime)
        {
            var ended = ExportTime.ParseEndTime(EndTime);
            if (ended is null)
            {
                return (null, TimeProblem("endTime", EndTimeToken, EndTime, "2021-03-04 05:06"));
            }
            var content = TrackName is not null ? ContentTypes.Track
                : ShowName is not null || EpisodeName is not null ? ContentTypes.Episode
                : AudiobookTitle is not null || ChapterTitle is not null ? ContentTypes.Audiobook
                : ArtistName is not null ? ContentTypes.Track
                : ContentTypes.Unknown;
            return (new ListeningRow(ended.Value, Milliseconds(MsPlayed), content, null, TrackName, ArtistName ?? AuthorName, null,
                null, EpisodeName, ShowName, AudiobookTitle, null, ChapterTitle, null, null,
                null, null, null, null, null, null, null, HistorySource.Account), null);
        }
        return (null, "it has neither 'ts' (extended history) nor 'endTime' (account data)");
    }

    /// <summary>Why a time could not be read: what the value was, so that the reason points at the fix.</summary>
    private static string TimeProblem(string key, JsonTokenType token, string? text, string example) => token switch
    {
        JsonTokenType.Null => $"'{key}' is null",
        JsonTokenType.String when string.IsNullOrWhiteSpace(text) => $"'{key}' is empty",
        // A year the text writes out: a parse that filled one in ("4 March") names no time before Spotify.
        JsonTokenType.String when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            && (at.UtcDateTime.Year < ExportTime.FirstDay.Year || at.UtcDateTime.Year >= 2100)
            && text!.Contains(at.Year.ToString("D4", CultureInfo.InvariantCulture), StringComparison.Ordinal) =>
            $"'{key}' is a time before {ExportTime.FirstDay.Year} (when Spotify began) or after 2099, which no stream has",
        JsonTokenType.String => $"'{key}' is not a UTC time such as {example}",
        JsonTokenType.Number => $"'{key}' is a number, not a UTC time such as {example}",
        JsonTokenType.True or JsonTokenType.False => $"'{key}' is a boolean, not a UTC time such as {example}",
        _ => $"'{key}' is a JSON {(token == JsonTokenType.StartArray ? "array" : "object")}, not a UTC time such as {example}",
    };

    private static int? Milliseconds(long? value) => value is >= 0 and <= int.MaxValue ? (int)value.Value : null;
}
