using System.Text.RegularExpressions;

namespace SpotifyEtl.Import;

/// <summary>The kinds of streaming-history file a Spotify data export holds; the name is the raw key segment.</summary>
public enum ExportFileKind
{
    /// <summary><c>Streaming_History_Audio_2019-2021_0.json</c>: extended history since 2023 (tracks, episodes, audiobooks).</summary>
    ExtendedAudio,
    /// <summary><c>Streaming_History_Video_2020-2024.json</c>: extended history of video (episodes and tracks).</summary>
    ExtendedVideo,
    /// <summary><c>endsong_0.json</c>: extended history until about 2023.</summary>
    ExtendedEndsong,
    /// <summary>An extended-history file under another name, recognised by its keys.</summary>
    ExtendedOther,
    /// <summary><c>StreamingHistory_music_0.json</c>: account data, music.</summary>
    AccountMusic,
    /// <summary><c>StreamingHistory_podcast_0.json</c>: account data, podcasts.</summary>
    AccountPodcast,
    /// <summary><c>StreamingHistory_audiobook_0.json</c>: account data, audiobooks.</summary>
    AccountAudiobook,
    /// <summary><c>StreamingHistory0.json</c>: older account data, music and podcasts in one file.</summary>
    AccountLegacy,
    /// <summary>An account-data file under another name, recognised by its keys.</summary>
    AccountOther,
}

public static partial class ExportFileKinds
{
    private static readonly (ExportFileKind Kind, string Segment, string Description)[] Names =
    [
        (ExportFileKind.ExtendedAudio, "extended_audio", "extended history, audio"),
        (ExportFileKind.ExtendedVideo, "extended_video", "extended history, video"),
        (ExportFileKind.ExtendedEndsong, "extended_endsong", "extended history (endsong)"),
        (ExportFileKind.ExtendedOther, "extended_other", "extended history (by its keys)"),
        (ExportFileKind.AccountMusic, "account_music", "account data, music"),
        (ExportFileKind.AccountPodcast, "account_podcast", "account data, podcasts"),
        (ExportFileKind.AccountAudiobook, "account_audiobook", "account data, audiobooks"),
        (ExportFileKind.AccountLegacy, "account_legacy", "account data (StreamingHistoryN)"),
        (ExportFileKind.AccountOther, "account_other", "account data (by its keys)"),
    ];

    public static string ToKeySegment(this ExportFileKind kind) => Names.First(n => n.Kind == kind).Segment;

    public static string Describe(this ExportFileKind kind) => Names.First(n => n.Kind == kind).Description;

    public static bool TryParseSegment(string segment, out ExportFileKind kind)
    {
        foreach (var (candidate, name, _) in Names)
        {
            if (string.Equals(name, segment, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>
    /// The kind a file's name says it is, whatever folder it is in, a zip's root included (its entries are named
    /// <c>archive.zip!folder/file</c>); null for a name no export era uses.
    /// </summary>
    public static ExportFileKind? FromName(string path)
    {
        // A file as the lake keeps it, <kind>/<sha256>.json under raw/spotify_export/: imported again, it is of the kind
        // it landed as, so it lands on its own key and not a second time under another kind.
        var landed = LandedName().Match(path);
        if (landed.Success && TryParseSegment(landed.Groups["kind"].Value, out var kind))
        {
            return kind;
        }
        var name = path[(path.LastIndexOfAny(['/', '\\', '!']) + 1)..];
        if (EndsongName().IsMatch(name))
        {
            return ExportFileKind.ExtendedEndsong;
        }
        if (AudioName().IsMatch(name))
        {
            return ExportFileKind.ExtendedAudio;
        }
        if (VideoName().IsMatch(name))
        {
            return ExportFileKind.ExtendedVideo;
        }
        var account = AccountName().Match(name);
        if (account.Success)
        {
            return account.Groups["kind"].Value.ToLowerInvariant() switch
            {
                "music_" => ExportFileKind.AccountMusic,
                "podcast_" => ExportFileKind.AccountPodcast,
                "audiobook_" => ExportFileKind.AccountAudiobook,
                _ => ExportFileKind.AccountLegacy,
            };
        }
        return null;
    }

    /// <summary>
    /// The SHA-256 a file named as the lake keeps it says its bytes have, or null for a file not named so: what it holds
    /// now is checked against it, since a copy cut short or changed on disk would otherwise land as a file of its own.
    /// </summary>
    public static string? LandedHash(string path) => LandedName().Match(path) is { Success: true } landed ? landed.Groups["hash"].Value : null;

    // <kind>/<sha256>.json where the lake keeps it: given as the kind's folder, inside spotify_export/ (of a lake or of a zip
    // of one), or at a zip's root; not a file of the same shape in another folder (a lake's staging/ holds some).
    [GeneratedRegex(@"(?:^|!|(?:^|[/\\!])spotify_export[/\\])(?<kind>[a-z_]+)[/\\](?<hash>[0-9a-f]{64})\.json$", RegexOptions.CultureInvariant)]
    private static partial Regex LandedName();

    [GeneratedRegex(@"^endsong_\d+\.json$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EndsongName();

    [GeneratedRegex(@"^Streaming_History_Audio_[0-9_\-]*\.json$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AudioName();

    [GeneratedRegex(@"^Streaming_History_Video_[0-9_\-]*\.json$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex VideoName();

    [GeneratedRegex(@"^StreamingHistory_?(?<kind>music_|podcast_|audiobook_)?\d+\.json$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AccountName();
}
