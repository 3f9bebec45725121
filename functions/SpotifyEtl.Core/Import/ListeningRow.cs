using System.Globalization;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Import;

/// <summary>Where a row of the listening history comes from.</summary>
public enum HistorySource
{
    /// <summary>The extended streaming history: one row per stream, to the second.</summary>
    Extended,
    /// <summary>The account data's streaming history: the last year, to the minute, possibly several streams per row.</summary>
    Account,
    /// <summary>The Web API's recently played tracks, as the extraction landed them.</summary>
    Api,
}

/// <summary>
/// One stream of the lifetime listening history. Times are held as seconds since the Unix epoch (UTC) and
/// written as <c>yyyy-MM-ddTHH:mm:ssZ</c>, which sorts and compares as text. No column holds an IP
/// address, a user name, a user agent or a device id: the reader never keeps them.
/// </summary>
public sealed record ListeningRow(
    long EndedAt,
    int? MsPlayed,
    string ContentType,
    string? TrackUri,
    string? TrackName,
    string? ArtistName,
    string? AlbumName,
    string? EpisodeUri,
    string? EpisodeName,
    string? ShowName,
    string? AudiobookTitle,
    string? AudiobookChapterUri,
    string? AudiobookChapterTitle,
    string? ReasonStart,
    string? ReasonEnd,
    bool? Shuffle,
    bool? Skipped,
    bool? Offline,
    bool? IncognitoMode,
    long? OfflineStartedAt,
    string? Platform,
    string? ConnCountry,
    HistorySource Source) : ITableRow<ListeningRow>
{
    public static string Table => TableNames.ListeningHistory;

    /// <summary>The month partition of a row: <c>yyyy-MM</c> of <see cref="EndedAt"/>.</summary>
    public string EndedMonth => HistoryMonths.Key(HistoryMonths.Start(EndedAt));

    /// <summary>The start, derived: the end less the time played (the end itself when that is unknown).</summary>
    public long StartedAt => EndedAt - (MsPlayed ?? 0) / 1000;

    /// <summary><c>yyyy-MM-ddTHH:mm:ssZ</c>, written digit by digit: two per row of a million-row history.</summary>
    public static string FormatTime(long seconds) => string.Create(20, DateTime.UnixEpoch.AddSeconds(seconds), static (span, at) =>
    {
        static void Two(Span<char> to, int value)
        {
            to[0] = (char)('0' + value / 10);
            to[1] = (char)('0' + value % 10);
        }
        Two(span, at.Year / 100);
        Two(span[2..], at.Year % 100);
        span[4] = '-';
        Two(span[5..], at.Month);
        span[7] = '-';
        Two(span[8..], at.Day);
        span[10] = 'T';
        Two(span[11..], at.Hour);
        span[13] = ':';
        Two(span[14..], at.Minute);
        span[16] = ':';
        Two(span[17..], at.Second);
        span[19] = 'Z';
    });

    public static string SourceName(HistorySource source) => source switch
    {
        HistorySource.Extended => "extended",
        HistorySource.Account => "account",
        _ => "api",
    };

    public static IReadOnlyList<TableColumn<ListeningRow>> Schema { get; } =
    [
        TableColumn<ListeningRow>.Text("ended_at", r => FormatTime(r.EndedAt)),
        TableColumn<ListeningRow>.Text("started_at", r => FormatTime(r.StartedAt)),
        TableColumn<ListeningRow>.Number("ms_played", r => r.MsPlayed),
        TableColumn<ListeningRow>.Text("content_type", r => r.ContentType),
        TableColumn<ListeningRow>.Text("spotify_track_uri", r => r.TrackUri),
        TableColumn<ListeningRow>.Text("track_name", r => r.TrackName),
        TableColumn<ListeningRow>.Text("artist_name", r => r.ArtistName),
        TableColumn<ListeningRow>.Text("album_name", r => r.AlbumName),
        TableColumn<ListeningRow>.Text("spotify_episode_uri", r => r.EpisodeUri),
        TableColumn<ListeningRow>.Text("episode_name", r => r.EpisodeName),
        TableColumn<ListeningRow>.Text("show_name", r => r.ShowName),
        TableColumn<ListeningRow>.Text("audiobook_title", r => r.AudiobookTitle),
        TableColumn<ListeningRow>.Text("audiobook_chapter_uri", r => r.AudiobookChapterUri),
        TableColumn<ListeningRow>.Text("audiobook_chapter_title", r => r.AudiobookChapterTitle),
        TableColumn<ListeningRow>.Text("reason_start", r => r.ReasonStart),
        TableColumn<ListeningRow>.Text("reason_end", r => r.ReasonEnd),
        TableColumn<ListeningRow>.Boolean("shuffle", r => r.Shuffle),
        TableColumn<ListeningRow>.Boolean("skipped", r => r.Skipped),
        TableColumn<ListeningRow>.Boolean("offline", r => r.Offline),
        TableColumn<ListeningRow>.Boolean("incognito_mode", r => r.IncognitoMode),
        TableColumn<ListeningRow>.Text("offline_started_at", r => r.OfflineStartedAt is { } at ? FormatTime(at) : null),
        TableColumn<ListeningRow>.Text("platform", r => r.Platform),
        TableColumn<ListeningRow>.Text("conn_country", r => r.ConnCountry),
        TableColumn<ListeningRow>.Text("source", r => SourceName(r.Source)),
    ];

    /// <summary>Every field as one text, in schema order: the order-independent tie-break between two versions of a stream.</summary>
    public string Canonical() => string.Join('\u001f', Schema.Select(c => c.Format(this) ?? "\u0000"));

    /// <summary>How many fields hold a value: of two versions of one stream, the fuller one is kept.</summary>
    public int Filled() => Schema.Count(c => c.Format(this) is not null);
}

/// <summary>The values of <c>content_type</c>.</summary>
public static class ContentTypes
{
    public const string Track = "track";
    public const string Episode = "episode";
    public const string Audiobook = "audiobook";
    public const string Unknown = "unknown";
}
