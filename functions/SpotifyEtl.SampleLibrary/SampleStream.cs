using System.Globalization;
using System.Text.Json;

namespace SpotifyEtl.SampleLibrary;

/// <summary>What a sample stream played: a track, a podcast episode, an audiobook chapter, or nothing known.</summary>
internal sealed record SampleContent(string Kind, string? Uri, string? Name, string? Artist, string? Album, string? Show = null,
    string? Audiobook = null, string? AudiobookUri = null);

/// <summary>One stream of the sample export, written in the keys of the era of the file that holds it.</summary>
internal sealed record SampleStream(long Ts, int MsPlayed, SampleContent Content, int Device, string Country, string? ReasonStart,
    string? ReasonEnd, bool Shuffle, bool Skipped, bool Offline, bool Incognito)
{
    private static readonly (string Old, string New)[] Devices =
    [
        ("iOS 13.3.1 (iPhone10,3)", "ios"), ("Android OS 9 API 28 (samsung, SM-G960F)", "android"),
        ("Windows 10 (10.0.19041; x64; AppX)", "windows"), ("OS X 10.15.7 [x86 8]", "osx"),
        ("web_player windows 10;chrome 96.0.4664.110;desktop", "web_player"),
        ("Partner android_tv Amazon;AFTMM;7f3c2a91e4b8d605;;tpapi", "Partner android_tv Amazon;AFTMM;7f3c2a91e4b8d605;;tpapi"),
        ("PlayStation 4", "playstation"),
    ];

    public static int DeviceCount => Devices.Length;

    public string TsText => DateTimeOffset.FromUnixTimeSeconds(Ts).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The object as an extended-history file of its era writes it. Old (<c>endsong_N</c>): user name, user
    /// agent, <c>ip_addr_decrypted</c>, a device in <c>platform</c>, <c>skipped</c> null, offline time in milliseconds.
    /// New: <c>ip_addr</c>, a platform family, offline time in seconds from mid-2023, audiobook keys only where the file has them.
    /// </summary>
    public void WriteExtended(Utf8JsonWriter w, bool oldEra, bool audiobookKeys, string? futureKey = null)
    {
        w.WriteStartObject();
        w.WriteString("ts", TsText);
        if (oldEra)
        {
            w.WriteString("username", "sample.listener");
        }
        w.WriteString("platform", oldEra ? Devices[Device].Old : Devices[Device].New);
        w.WriteNumber("ms_played", MsPlayed);
        w.WriteString("conn_country", Country);
        w.WriteString(oldEra ? "ip_addr_decrypted" : "ip_addr", $"203.0.113.{Device + 10}");
        if (oldEra)
        {
            w.WriteString("user_agent_decrypted", "unknown");
        }
        var track = Content.Kind == "track";
        var episode = Content.Kind == "episode";
        WriteText(w, "master_metadata_track_name", track ? Content.Name : null);
        WriteText(w, "master_metadata_album_artist_name", track ? Content.Artist : null);
        WriteText(w, "master_metadata_album_album_name", track ? Content.Album : null);
        WriteText(w, "spotify_track_uri", track ? Content.Uri : null);
        WriteText(w, "episode_name", episode ? Content.Name : null);
        WriteText(w, "episode_show_name", episode ? Content.Show : null);
        WriteText(w, "spotify_episode_uri", episode ? Content.Uri : null);
        if (audiobookKeys)
        {
            var book = Content.Kind == "audiobook";
            WriteText(w, "audiobook_title", book ? Content.Audiobook : null);
            WriteText(w, "audiobook_uri", book ? Content.AudiobookUri : null);
            WriteText(w, "audiobook_chapter_uri", book ? Content.Uri : null);
            WriteText(w, "audiobook_chapter_title", book ? Content.Name : null);
        }
        // Reasons: "" and null both occur for "none".
        if (ReasonStart is null) w.WriteNull("reason_start"); else w.WriteString("reason_start", ReasonStart);
        if (ReasonEnd is null) w.WriteNull("reason_end"); else w.WriteString("reason_end", ReasonEnd);
        w.WriteBoolean("shuffle", Shuffle);
        if (oldEra && !Skipped) w.WriteNull("skipped"); else w.WriteBoolean("skipped", Skipped);
        w.WriteBoolean("offline", Offline);
        var started = Ts - MsPlayed / 1000;
        var secondsEra = !oldEra && Ts >= new DateTimeOffset(2023, 7, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        w.WriteNumber("offline_timestamp", !Offline ? 0 : secondsEra ? started : started * 1000);
        w.WriteBoolean("incognito_mode", Incognito);
        if (futureKey is not null)
        {
            w.WriteStartObject(futureKey);
            w.WriteString("added_in", "a future export");
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>The account-data row of this stream: <c>endTime</c> in UTC cut to the minute, names only.</summary>
    public void WriteAccount(Utf8JsonWriter w, bool legacy)
    {
        w.WriteStartObject();
        w.WriteString("endTime", DateTimeOffset.FromUnixTimeSeconds(Ts).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        switch (Content.Kind)
        {
            case "episode" when !legacy:
                WriteText(w, "podcastName", Content.Show);
                WriteText(w, "episodeName", Content.Name);
                break;
            case "audiobook":
                WriteText(w, "audiobookName", Content.Audiobook);
                WriteText(w, "chapterName", Content.Name);
                WriteText(w, "authorName", Content.Artist);
                break;
            default:
                WriteText(w, "artistName", Content.Kind == "episode" ? Content.Show : Content.Artist);
                WriteText(w, "trackName", Content.Name);
                break;
        }
        w.WriteNumber("msPlayed", MsPlayed);
        w.WriteEndObject();
    }

    private static void WriteText(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
