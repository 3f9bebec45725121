using SpotifyEtl.Cli.Queries;

namespace SpotifyEtl.Cli.Report;

/// <summary>
/// The report's sections, in page order. To add one: write its question as a named query in
/// queries/, then add an entry here (a chart is optional; the answer's table is always shown).
/// </summary>
internal static class ReportSections
{
    private const string Listening = "Listening";
    public const string History = "Lifetime history";
    private const string NoHistory = "No listening history yet: import your Spotify data export (spotify-etl import on a laptop; on AWS, upload it to import/ in the raw bucket).";
    private const string Extract = "spotify-etl extract, then spotify-etl transform, bring into the lake (on AWS, the stack's scheduled extraction)";
    private const string Extraction = "spotify-etl extract, then spotify-etl transform; on AWS, the stack's scheduled extraction";
    private const string NoPlays = "No plays yet: this section counts the plays of Spotify's recently played list, which " + Extract + ".";
    private const string NoApiPlays = "No plays from Spotify's API yet: this section counts the plays of its recently played list, which " + Extract +
        ". The imported listening history is charted under Lifetime history.";
    private const string NoPlaylist = "No playlist yet: this section shows the playlists " + Extract + ".";
    private const string Playlists = "Playlists";
    private const string Library = "Library and rankings";
    public const string Quality = "Data quality";
    private const string Week = "Week starting (Monday, UTC)";
    private const string NoMusicPlays = "No music stream of 30 s or more in the imported listening history: this section counts those, as Spotify counts a play " +
        "(the history's podcasts and audiobooks are under Podcasts and audiobooks).";
    /// <summary>The streams an hour of the skip heatmap needs before its share is coloured: one skip of three is no habit.</summary>
    private const int FewStreams = 10;
    /// <summary>The plays a week of the skip rate needs before its share joins the line and sets its scale.</summary>
    private const int FewPlays = 10;
    private const string SkipsNeed = "No skip estimate yet: it needs two plays or more, as a play is measured from the end of the one before it (the first is left out).";

    public static IReadOnlyList<ReportSection> All { get; } =
    [
        new("listening-over-time", Listening, "Listening over time",
            "Hours of music per week: each play counts its song's full length.",
            "listening_per_week", (r, span, size) => Charts.Columns(size, r, "week_start", "hours", Week, "Listening", "hours", span.IsPartialWeekOfPlays, weeks => span.Note(countsFirstPlay: true, weeks)),
            NoPlays, NoApiPlays),
        new("top-artists", Listening, "Top artists",
            "The most played artists of the latest year in the lake (every year in the table).",
            "top_artists", (r, span, size) => LatestYear(size, r, span.PartOfYearOfPlays, "play_count", row => row[2] ?? "", "Plays", "plays", "Top artists of the latest year by plays"), NoPlays, NoApiPlays),
        new("top-tracks", Listening, "Top tracks",
            "The most played tracks of the latest year in the lake (every year in the table).",
            "top_tracks", (r, span, size) => LatestYear(size, r, span.PartOfYearOfPlays, "play_count", row => string.IsNullOrEmpty(row[3]) ? row[2] ?? "" : row[2] + Svg.Joiner + row[3], "Plays", "plays", "Top tracks of the latest year by plays"), NoPlays, NoApiPlays),
        new("first-heard", Listening, "First play in the lake of my top artists",
            "The first play the lake holds of each of the latest year's top artists: when the extractions began to see them. When you first heard them is under Lifetime history, which your data export fills.",
            "top_artists", (r, span, size) => FirstHeard(size, r, span), NoPlays, NoApiPlays),
        new("listening-clock", Listening, "When in the week I listen",
            "Plays by weekday and hour of the day, in UTC. Full colour is the hour with the most plays; the table below gives each count.",
            "listening_clock", (r, _, size) => Charts.Heatmap(size, r), NoPlays, NoApiPlays),
        new("skip-rate", Listening, "Skip rate",
            "Share of plays per week that ended within half the song's length of the previous play's end (an estimate: Spotify's recently played list does not say what was skipped, and lists no play under 30 s).",
            "skip_rate", (r, span, size) => Charts.Line(size, r, "week_start", "skip_percent", Week, "Skipped plays", "%", span.IsPartialWeekOfPlays, weeks => span.Note(countsFirstPlay: true, weeks, mark: "Hollow"),
                new Charts.Basis("play_count", "plays", FewPlays, $"Dashed: a week of fewer than {FewPlays} plays, too few for its share to say much; it is left off the line and sets no scale (one above the scale is drawn at its top), and the table below gives each count.")),
            SkipsNeed + " Spotify's recently played list, which " + Extract + ", gives them.",
            SkipsNeed + " Spotify's recently played list, which " + Extract + ", gives them; for the imported history, see Lifetime history, When I skip."),
        new("history-hours-per-month", History, "Hours per month over the whole history",
            "Every stream of the imported data export and the API's plays, counted once, by month of its end (UTC). An API play the export does not hold counts its song's whole length: the API does not say how long it played.",
            "history_hours_per_month", (r, span, size) => Charts.Columns(size, r, "month", "hours", "Month (UTC)", "Listening", "hours", span.IsPartialMonth, _ => span.MonthNote()), NoHistory),
        new("history-top-artists", History, "Top artists per year over the whole history",
            "The most played artists of the history's latest year (every year in the table): streams of at least 30 s, each counted for the one artist its row names, as the export names one (Top artists, under Listening, credits every artist of a song, so its counts can be higher).",
            "history_top_artists_per_year", (r, span, size) => LatestYear(size, r, span.PartOfYearOfHistory, "plays", row => row[2] ?? "", "Plays", "plays", "Top artists of the latest year of the history by plays", "year"),
            NoHistory, NoMusicPlays),
        new("history-first-heard", History, "When I first heard my top artists",
            "The first stream of each of the twenty most played artists of the whole history (plays: streams of at least 30 s), and the track it was.",
            "history_first_heard", (r, span, size) => HistoryFirstHeard(size, r, span), NoHistory, NoMusicPlays),
        new("history-podcasts-audiobooks", History, "Podcasts and audiobooks",
            "Hours of podcast episodes and audiobook chapters per year.",
            "history_podcast_audiobook_time", EmptyHint: NoHistory,
            EmptyHintWithHistory: "No podcast episode or audiobook chapter in the imported listening history: it holds music alone."),
        new("history-skips", History, "When I skip",
            "The share of music streams skipped (a percentage) by weekday and hour of the day (UTC): a track's stream marked skipped, or ended with the forward or back button, over the streams whose row records it (not the API's plays or the account data). Full colour is 100%; an hour of few streams is hollow; the table below gives each cell's share.",
            "history_skip_rate_by_hour",
            (r, _, size) => Charts.Heatmap(size, r, "skip_percent", "% of streams skipped", "Share of streams skipped by weekday and hour of the day (UTC)", "the larger the share skipped", fullScale: 100,
                new Charts.Basis("streams_with_skip_info", "streams", FewStreams, $"Hollow: an hour with fewer than {FewStreams} streams that record a skip, too few for its share to say much; the table below gives each count.")),
            "No stream records a skip yet: only the data export's extended streaming history says what was skipped (the API's plays and the account data do not); import it."),
        new("playlist-top-songs", Playlists, "Top songs on each playlist now",
            "Each playlist's current version, by position.",
            "playlist_top_songs", EmptyHint: NoPlaylist),
        new("playlist-changes", Playlists, "Movement between versions",
            "What changed between each playlist's two latest versions: the songs that arrived and the songs that left.",
            "playlist_changes", EmptyHint: "No song arrived on or left a playlist: this section compares each playlist's two latest versions, and no playlist " +
                "in the lake has two that differ in their songs. It shows the playlists " + Extract + ". A playlist gets a second version when an extraction " +
                "finds it changed; a change that only moves songs, or lists one again, makes a version with the same songs."),
        new("days-on-playlist", Playlists, "Days on playlist",
            "The songs that have stayed longest on their playlists (the top 15 in the chart).",
            "days_on_playlist", (r, _, size) => Charts.Ranking(size, r.Rows.Take(15).ToList(), SongArtistsPlaylist(r), r.Columns.ToList().IndexOf("days_on_playlist"), "Days on the playlist", "days", "Songs with the most days on their playlists"),
            NoPlaylist),
        new("saved-tracks", Library, "Saved tracks per week",
            "Songs saved to the library each week.",
            "saved_tracks_per_week", (r, span, size) => Charts.Columns(size, r, "week_start", "songs_saved", Week, "Songs saved", "songs", span.IsPartialWeek, weeks => span.Note(countsFirstPlay: false, weeks), whole: true,
                until: span.LatestWeek),
            "No saved tracks yet: this section counts the songs saved to your library (Liked Songs), which " + Extract + "."),
        new("top-items", Library, "Top items by time range",
            "Spotify's own rankings of tracks and artists: about four weeks (short_term), six months (medium_term) and a year (long_term).",
            "top_items_now", EmptyHint: "No ranking with items: this section shows Spotify's rankings of your top tracks and artists, which " + Extract +
                ". A ranking Spotify served empty (no listening in its time range) is left out."),
        new("top-tracks-movement", Library, "Top tracks: movement",
            "How the top tracks moved between the latest ranking and the one before it that differs.",
            "top_tracks_movement", EmptyHint: "Needs two rankings of top tracks: an extraction that finds a ranking changed adds one (" + Extraction + ")."),
        new("data-quality", Quality, "Rows per table and snapshot date",
            "Rows and distinct keys per table and day: a difference means duplicate rows, a day missing from every table a run that did not happen (playlist entries have rows only on days a playlist changed, saved tracks and top items only on days with news, or a ranking a stack landed again before its raw copy expired).",
            "data_quality", EmptyHint: "No table holds a row yet: spotify-etl extract, then spotify-etl transform, fill them.",
            EmptyHintWithHistory: "No table of Spotify's API holds a row yet: this section counts the tables " + Extract +
                                  ". The imported listening history is charted under Lifetime history."),
    ];

    /// <summary>
    /// What the named queries no section shows need before they answer, as a section says it: a lake's answer printed
    /// by <c>spotify-etl query</c> says it too.
    /// </summary>
    private static readonly Dictionary<string, (string Hint, string? WithHistory)> OtherQueries = new(StringComparer.Ordinal)
    {
        ["artists_with_most_songs"] = ("No playlist yet: this query counts the songs of the playlists " + Extract + ".", null),
        ["plays_per_artist_week"] = (NoPlays, NoApiPlays),
        ["release_year_distribution"] = ("No song yet: this query counts the songs of the playlists, plays and saved tracks " + Extract + ".", null),
        ["history_hours_per_year"] = (NoHistory, null),
        ["history_top_tracks_per_year"] = (NoHistory, NoMusicPlays),
    };

    /// <summary>The columns that name a song on a playlist, in the order a ranking says them.</summary>
    private static readonly string[] SongArtistsPlaylistColumns = ["song_name", "artist_names", "playlist_name"];

    /// <summary>
    /// A song on a playlist as a ranking names it: the song, the artists it credits, then the playlist, each left out where the
    /// row has none (an unnamed playlist, a song without credits).
    /// </summary>
    private static Func<IReadOnlyList<string?>, string> SongArtistsPlaylist(QueryResult result)
    {
        int[] parts = [.. SongArtistsPlaylistColumns.Select(c => Charts.Column(result, c))];
        return row => string.Join(Svg.Joiner, parts.Select(i => row[i]).Where(p => !string.IsNullOrEmpty(p)));
    }

    /// <summary>
    /// What would fill an empty answer of a named query, as <c>spotify-etl query</c> prints it (of "this query", where a
    /// section says "this section"), the lake holding an imported listening history or not; null for a query unknown here.
    /// </summary>
    public static string? EmptyHint(string query, bool holdsHistory)
    {
        var hint = All.FirstOrDefault(s => s.Query == query) is { } section
            ? holdsHistory ? section.EmptyHintWithHistory ?? section.EmptyHint : section.EmptyHint
            : OtherQueries.TryGetValue(query, out var other) ? (holdsHistory ? other.WithHistory ?? other.Hint : other.Hint) : null;
        return hint?.Replace("this section", "this query", StringComparison.Ordinal);
    }

    /// <summary>
    /// The ranking of the answer's latest year; a year the lake holds only in part (<paramref name="part"/>: one just begun, or
    /// one its plays begin in) names its first and last day in the chart's title and says so under it.
    /// </summary>
    private static string? LatestYear(ChartLayout size, QueryResult result, Func<string?, LakeSpan.YearPart?> part, string valueColumn, Func<IReadOnlyList<string?>, string> label,
        string title, string unit, string description, string yearColumn = "play_year")
    {
        var (latest, rows) = OfLatestYear(result, yearColumn);
        var held = part(latest);
        var year = held?.Span is { } days ? $"{latest}, {days}" : latest;
        return rows.Count == 0 ? null : Charts.Ranking(size, rows, label, result.Columns.ToList().IndexOf(valueColumn), $"{title} in {year}", unit, $"{description} ({year})", held?.Note);
    }

    private static (string? Year, List<IReadOnlyList<string?>> Rows) OfLatestYear(QueryResult result, string yearColumn)
    {
        var yearIndex = result.Columns.ToList().IndexOf(yearColumn);
        var latest = result.Rows.Select(r => r[yearIndex]).Max(StringComparer.Ordinal);
        return (latest, result.Rows.Where(r => r[yearIndex] == latest).ToList());
    }

    /// <summary>The first streams; where the history begins later than the account did (no extended streaming history), a first stream near its start is where the history's knowledge begins, and the chart says so.</summary>
    private static string? HistoryFirstHeard(ChartLayout size, QueryResult result, LakeSpan span)
    {
        var columns = result.Columns.ToList();
        return result.Rows.Count == 0 ? null : Charts.Timeline(size, result.Rows, columns.IndexOf("artist_name"), columns.IndexOf("first_heard"),
            "First stream of the history's most played artists", "Date of the first stream (UTC)", "first heard", span.HistoryBeginsNote());
    }

    private static string? FirstHeard(ChartLayout size, QueryResult result, LakeSpan span)
    {
        var columns = result.Columns.ToList();
        var (latest, rows) = OfLatestYear(result, "play_year");
        var held = span.PartOfYearOfPlays(latest);
        return rows.Count == 0 ? null : Charts.Timeline(size, rows, columns.IndexOf("artist_name"), columns.IndexOf("first_heard"),
            $"First play of the top artists of {(held?.Span is { } days ? $"{latest}, {days}" : latest)}", note: held?.Note);
    }
}
