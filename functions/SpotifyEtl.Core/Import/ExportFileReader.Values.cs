using System.Text.Json;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Import;

// An element's keys and values: every text taken from the JSON is taken through ExportText.
public static partial class ExportFileReader
{
    private static StreamFields ReadObject(ref Utf8JsonReader reader, ExportText text)
    {
        var fields = new StreamFields();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = KeyOf(ref reader, text);
            reader.Read();
            if (key.Length > 0 && TooLong(ref reader, text, key) is { } why)
            {
                fields.TooLong ??= why;
                continue;
            }
            switch (key)
            {
                case "ts": Ts(ref reader, text, ref fields); break;
                case "endTime": fields.EndTimeToken = reader.TokenType; fields.EndTime = Text(ref reader, text); fields.HasEndTime = true; break;
                case "ms_played" or "msPlayed": Length(ref reader, text, ref fields); break;
                case "platform": fields.Platform = Text(ref reader, text); break;
                case "conn_country": fields.ConnCountry = Text(ref reader, text); break;
                case "master_metadata_track_name" or "trackName": fields.TrackName = Text(ref reader, text); break;
                case "master_metadata_album_artist_name" or "artistName": fields.ArtistName = Text(ref reader, text); break;
                case "master_metadata_album_album_name": fields.AlbumName = Text(ref reader, text); break;
                case "spotify_track_uri": fields.TrackUri = Text(ref reader, text); break;
                case "episode_name" or "episodeName": fields.EpisodeName = Text(ref reader, text); break;
                case "episode_show_name" or "podcastName": fields.ShowName = Text(ref reader, text); break;
                case "spotify_episode_uri": fields.EpisodeUri = Text(ref reader, text); break;
                case "audiobook_title" or "audiobookName": fields.AudiobookTitle = Text(ref reader, text); break;
                case "audiobook_uri": fields.AudiobookUri = Text(ref reader, text); break;
                case "audiobook_chapter_uri": fields.ChapterUri = Text(ref reader, text); break;
                case "audiobook_chapter_title" or "chapterName": fields.ChapterTitle = Text(ref reader, text); break;
                case "authorName": fields.AuthorName = Text(ref reader, text); break;
                case "reason_start": fields.ReasonStart = Text(ref reader, text); break;
                case "reason_end": fields.ReasonEnd = Text(ref reader, text); break;
                case "shuffle": fields.Shuffle = Flag(ref reader, text); break;
                case "skipped": fields.Skipped = Flag(ref reader, text); break;
                case "offline": fields.Offline = Flag(ref reader, text); break;
                case "incognito_mode": fields.Incognito = Flag(ref reader, text); break;
                case "offline_timestamp": fields.OfflineTimestamp = Number(ref reader, text); break;
                default: reader.Skip(); break; // ip_addr, username, user_agent_decrypted and keys of future eras
            }
        }
        return fields;
    }

    private static readonly string[] KnownKeys =
    [
        "ts", "endTime", "ms_played", "msPlayed", "platform", "conn_country", "master_metadata_track_name", "trackName",
        "master_metadata_album_artist_name", "artistName", "master_metadata_album_album_name", "spotify_track_uri", "episode_name",
        "episodeName", "episode_show_name", "podcastName", "spotify_episode_uri", "audiobook_title", "audiobookName", "audiobook_uri",
        "audiobook_chapter_uri", "audiobook_chapter_title", "chapterName", "authorName", "reason_start", "reason_end", "shuffle",
        "skipped", "offline", "incognito_mode", "offline_timestamp",
    ];

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Keys =
        KnownKeys.ToDictionary(k => k, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The known keys by their UTF-8 bytes, read-only once built (so shared by every reader).</summary>
    private static readonly Utf8Table<string> Utf8Keys = BuildUtf8Keys();

    private static Utf8Table<string> BuildUtf8Keys()
    {
        var table = new Utf8Table<string>();
        foreach (var key in KnownKeys)
        {
            table.Add(System.Text.Encoding.UTF8.GetBytes(key), key);
        }
        return table;
    }

    /// <summary>The known key a property names (the same string object each time), or "" for any other: no string per property.</summary>
    private static string KeyOf(ref Utf8JsonReader reader, ExportText text)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return Utf8Keys.TryGetValue(reader.ValueSpan, out var known) ? known : "";
        }
        return Keys.TryGetValue(text.Decode(ref reader), out var key) ? key : "";
    }

    /// <summary><c>ts</c>: the export's own form is read from its bytes, with no string made for it.</summary>
    private static void Ts(ref Utf8JsonReader reader, ExportText text, ref StreamFields fields)
    {
        fields.HasTs = true;
        fields.TsToken = reader.TokenType;
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence
            && ExportTime.ParseExactTs(reader.ValueSpan) is { } seconds)
        {
            (fields.TsSeconds, fields.Ts) = (seconds, null);
            return;
        }
        (fields.TsSeconds, fields.Ts) = (null, Text(ref reader, text));
    }

    /// <summary>
    /// A string value; "" and null are no value, and a value of another type is none (the row is kept). Kept as the
    /// tables keep text (<see cref="AthenaValues.Text"/>): a line break in a name would split a CSV row for Athena.
    /// </summary>
    private static string? Text(ref Utf8JsonReader reader, ExportText text)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var value = reader.ValueSpan.Length == 0 && !reader.ValueIsEscaped ? "" : text.Value(ref reader);
            return AthenaValues.Text(value) is { Length: > 0 } kept ? kept : null;
        }
        reader.Skip();
        return null;
    }

    /// <summary>
    /// Why a string value is too long for a table (<see cref="AthenaValues.LongestText"/>); null for any other value.
    /// Its bytes are at least as many as its characters, so a value of fewer bytes is not decoded for it. The reason
    /// leaves the length out: rows unreadable for one reason are counted together.
    /// </summary>
    private static string? TooLong(ref Utf8JsonReader reader, ExportText text, string key) =>
        reader.TokenType == JsonTokenType.String
        && (reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) > AthenaValues.LongestText
        && text.Value(ref reader).Length > AthenaValues.LongestText
            ? $"\"{key}\" holds a text longer than the {AthenaValues.LongestText:N0} characters a table keeps (no export's value comes near it)"
            : null;

    /// <summary>
    /// <c>ms_played</c>: a null leaves a value the other era's key gave (a table that merged both eras has both keys); a
    /// value that is no whole number of milliseconds an int holds is none, and marked so that the row's file says so.
    /// </summary>
    private static void Length(ref Utf8JsonReader reader, ExportText text, ref StreamFields fields)
    {
        fields.HasLength = true;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }
        var value = Number(ref reader, text);
        fields.MsPlayed = value is >= 0 and <= int.MaxValue ? value : null;
        fields.LengthUnread = fields.MsPlayed is null;
    }

    private static long? Number(ref Utf8JsonReader reader, ExportText text)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            return value;
        }
        // A whole number written with a fraction or an exponent (1577934240000.0, 1.57793424e12), as a tool that re-saved the
        // export (pandas, with a null in the column) writes it.
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var real) && Math.Abs(real) < 9e15 && real == Math.Floor(real))
        {
            return (long)real;
        }
        if (reader.TokenType == JsonTokenType.String && long.TryParse(text.Decode(ref reader), System.Globalization.NumberStyles.Integer,
                System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }
        reader.Skip();
        return null;
    }

    private static bool? Flag(ref Utf8JsonReader reader, ExportText text)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True: return true;
            case JsonTokenType.False: return false;
            case JsonTokenType.String: return text.Flag(ref reader);
            default: reader.Skip(); return null;
        }
    }
}
