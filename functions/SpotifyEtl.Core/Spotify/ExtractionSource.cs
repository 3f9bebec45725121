using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using SpotifyEtl.Lake;

namespace SpotifyEtl.Spotify;

public enum SourceKind
{
    Playlist,
    RecentlyPlayed,
    TopTracks,
    TopArtists,
    SavedTracks,
    MyPlaylists,
}

/// <summary>
/// One thing to extract, as configured in <c>SPOTIFY_SOURCES</c> or on the command line:
/// a playlist by id, recently played, top tracks or artists for a time range, saved tracks, or every playlist
/// the user owns (<c>my_playlists</c>, found each run and read as playlist sources).
/// </summary>
public sealed partial record ExtractionSource
{
    public static readonly IReadOnlyList<string> TimeRanges = ["short_term", "medium_term", "long_term"];

    private ExtractionSource(SourceKind kind, string subject)
    {
        Kind = kind;
        Subject = subject;
    }

    public SourceKind Kind { get; }

    /// <summary>The key segment after the date: a playlist id, a time range or <c>me</c>.</summary>
    public string Subject { get; }

    /// <summary>The <see cref="Type"/> of recently played, the one source whose plays Spotify forgets (after about 50).</summary>
    public const string RecentlyPlayedType = "recently_played";

    /// <summary>The <see cref="Type"/> of the source that finds the user's playlists.</summary>
    public const string MyPlaylistsType = "my_playlists";

    /// <summary>The configuration name: <c>playlist</c>, <c>recently_played</c>, ...</summary>
    public string Type => Kind switch
    {
        SourceKind.Playlist => "playlist",
        SourceKind.RecentlyPlayed => RecentlyPlayedType,
        SourceKind.TopTracks => "top_tracks",
        SourceKind.TopArtists => "top_artists",
        SourceKind.SavedTracks => "saved_tracks",
        SourceKind.MyPlaylists => MyPlaylistsType,
        _ => throw new InvalidOperationException($"Unknown source kind {Kind}."),
    };

    /// <summary>A short unique name for logs, the manifest and the summary table: <c>playlist:ID</c>, <c>top_tracks:short_term</c>.</summary>
    public string Name => Kind is SourceKind.RecentlyPlayed or SourceKind.SavedTracks or SourceKind.MyPlaylists ? Type : $"{Type}:{Subject}";

    /// <summary>Whether the source reads the account under <c>/me</c>, which only a user's token may: an app's token gets 401.</summary>
    public bool ReadsTheUsersAccount => Kind is not SourceKind.Playlist;

    /// <summary>The OAuth scopes a user token needs for this source.</summary>
    public IReadOnlyList<string> Scopes => Kind switch
    {
        SourceKind.Playlist or SourceKind.MyPlaylists => [SpotifyScopes.PlaylistReadPrivate, SpotifyScopes.PlaylistReadCollaborative],
        SourceKind.RecentlyPlayed => [SpotifyScopes.RecentlyPlayed],
        SourceKind.TopTracks or SourceKind.TopArtists => [SpotifyScopes.Top],
        SourceKind.SavedTracks => [SpotifyScopes.Library],
        _ => [],
    };

    /// <summary>The raw source of the pages this source lands (playlists also land one <see cref="RawSource.Playlist"/> object).</summary>
    public RawSource PageSource => Kind switch
    {
        SourceKind.Playlist => RawSource.PlaylistItems,
        SourceKind.RecentlyPlayed => RawSource.RecentlyPlayed,
        SourceKind.TopTracks => RawSource.TopTracks,
        SourceKind.TopArtists => RawSource.TopArtists,
        _ => RawSource.SavedTracks,
    };

    public override string ToString() => Name;

    public static ExtractionSource Playlist(string id)
    {
        var trimmed = PlaylistIdFrom(id);
        if (!PlaylistIdPattern().IsMatch(trimmed))
        {
            throw new SpotifyConfigurationException(
                $"'{id}' is not a Spotify playlist id: expected 22 letters and digits, as in https://open.spotify.com/playlist/3cEYpjA9oz9GiPac4AsH4n.");
        }
        return new ExtractionSource(SourceKind.Playlist, trimmed);
    }

    /// <summary>Whether <paramref name="id"/> is a playlist id as Spotify writes one (22 letters and digits).</summary>
    public static bool IsPlaylistId(string id) => PlaylistIdPattern().IsMatch(id);

    public static ExtractionSource RecentlyPlayed() => new(SourceKind.RecentlyPlayed, "me");

    public static ExtractionSource SavedTracks() => new(SourceKind.SavedTracks, "me");

    public static ExtractionSource MyPlaylists() => new(SourceKind.MyPlaylists, "me");

    public static ExtractionSource TopTracks(string timeRange) => new(SourceKind.TopTracks, CheckTimeRange(timeRange));

    public static ExtractionSource TopArtists(string timeRange) => new(SourceKind.TopArtists, CheckTimeRange(timeRange));

    /// <summary>Parses <c>SPOTIFY_SOURCES</c>: a JSON array such as <c>[{"type":"playlist","id":"..."},{"type":"recently_played"}]</c>.</summary>
    public static IReadOnlyList<ExtractionSource> ParseList(string json, string origin)
    {
        SourceConfigEntry[]? entries;
        try
        {
            entries = JsonSerializer.Deserialize(json, SourceConfigJsonContext.Default.SourceConfigEntryArray);
        }
        catch (JsonException exception)
        {
            throw new SpotifyConfigurationException(
                $"{origin} is not a JSON array of sources ({JsonErrorText.Of(exception)}). Example: [{{\"type\":\"playlist\",\"id\":\"3cEYpjA9oz9GiPac4AsH4n\"}},{{\"type\":\"recently_played\"}}]");
        }
        return (entries ?? []).Select((entry, index) => FromEntry(entry, $"{origin}[{index}]")).Distinct().ToList();
    }

    private static readonly string[] EntryKeys = ["type", "id", "time_range"];

    private static ExtractionSource FromEntry(SourceConfigEntry? entry, string origin) => entry is null
        ? throw new SpotifyConfigurationException($"{origin}: null is not a source; each entry is an object such as {{\"type\":\"recently_played\"}}.")
        // A misspelt key would otherwise be dropped, and its source read with the default in its place (medium_term for time_range).
        : entry.Unknown?.Keys.FirstOrDefault() is { } unknown
        ? throw new SpotifyConfigurationException($"{origin}: unknown key \"{unknown}\"{Suggestion(unknown)}. A source's keys are \"type\", " +
            "\"id\" (a playlist's) and \"time_range\" (top tracks' and artists': short_term, medium_term or long_term).")
        : entry.Type switch
        {
            "playlist" when !string.IsNullOrWhiteSpace(entry.Id) => Playlist(entry.Id),
            "playlist" => throw new SpotifyConfigurationException($"{origin}: a playlist source needs an \"id\"."),
            "recently_played" => RecentlyPlayed(),
            "saved_tracks" => SavedTracks(),
            MyPlaylistsType => MyPlaylists(),
            "top_tracks" => TopTracks(entry.TimeRange ?? "medium_term"),
            "top_artists" => TopArtists(entry.TimeRange ?? "medium_term"),
            _ => throw new SpotifyConfigurationException(
                $"{origin}: unknown source type '{entry.Type}'. Known types: playlist, my_playlists, recently_played, top_tracks, top_artists, saved_tracks."),
        };

    /// <summary>
    /// The id in a bare id, a URI (<c>spotify:playlist:ID</c>, or the older <c>spotify:user:NAME:playlist:ID</c>) or a
    /// share link (<c>https://open.spotify.com/playlist/ID?si=...</c>, also under <c>/intl-de/</c>, <c>/embed/</c> or
    /// <c>/user/NAME/</c>): what follows the last <c>playlist</c> segment. Anything else is returned as given, for the id
    /// check to refuse with the value in its message.
    /// </summary>
    private static string PlaylistIdFrom(string value)
    {
        var text = value.Trim();
        if (text.StartsWith("spotify:", StringComparison.Ordinal))
        {
            return AfterPlaylist(text.Split(':')) ?? text;
        }
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
        {
            return AfterPlaylist(uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)) ?? text;
        }
        return text;
    }

    private static string? AfterPlaylist(string[] segments)
    {
        var index = Array.LastIndexOf(segments, "playlist");
        return index >= 0 && index == segments.Length - 2 ? segments[^1] : null;
    }

    /// <summary>The key meant, when the one given differs from it only in case, or in underscores and dashes (timeRange, time-range).</summary>
    private static string Suggestion(string key)
    {
        static string Folded(string text) => text.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        return EntryKeys.FirstOrDefault(known => Folded(known) == Folded(key)) is { } meant ? $" (did you mean \"{meant}\"?)" : "";
    }

    private static string CheckTimeRange(string timeRange) =>
        TimeRanges.Contains(timeRange)
            ? timeRange
            : throw new SpotifyConfigurationException($"'{timeRange}' is not a time range: use short_term (~4 weeks), medium_term (~6 months) or long_term (~1 year).");

    [GeneratedRegex("^[A-Za-z0-9]{22}$", RegexOptions.CultureInvariant)]
    private static partial Regex PlaylistIdPattern();
}

internal sealed class SourceConfigEntry
{
    public string? Type { get; init; }

    public string? Id { get; init; }

    public string? TimeRange { get; init; }

    /// <summary>
    /// The keys no source has: refused, naming the first. Settable: the source generator sets an init-only property as a
    /// constructor parameter, which extension data cannot be.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(SourceConfigEntry[]))]
internal sealed partial class SourceConfigJsonContext : JsonSerializerContext;
