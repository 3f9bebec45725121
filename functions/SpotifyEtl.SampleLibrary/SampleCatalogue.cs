namespace SpotifyEtl.SampleLibrary;

/// <summary>The tracks, podcast episodes and audiobook chapters the sample export's streams play.</summary>
internal sealed class SampleCatalogue(List<SampleContent> tracks, List<SampleContent> episodes, List<SampleContent> chapters)
{
    private static readonly string[] Reasons = ["trackdone", "trackdone", "trackdone", "fwdbtn", "backbtn", "clickrow", "playbtn", "appload", "remote", "endplay", "unknown"];
    private static readonly string[] Countries = ["SE", "SE", "SE", "DE", "JP", "BR", "US"];
    private static readonly long AudiobooksSince = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    public static SampleCatalogue Make(Random random)
    {
        var tracks = new List<SampleContent>();
        for (var i = 0; i < 80; i++)
        {
            var name = i < SampleNames.SpecialSongNames.Length ? SampleNames.SpecialSongNames[i]
                : $"{SampleNames.SongWords[random.Next(SampleNames.SongWords.Length)]} {SampleNames.SongWords[random.Next(SampleNames.SongWords.Length)]}";
            var artist = SampleNames.ArtistNames[random.Next(SampleNames.ArtistNames.Length)];
            tracks.Add(new SampleContent("track", $"spotify:track:{Id(random)}", name, artist, $"{SampleNames.SongWords[random.Next(SampleNames.SongWords.Length)]} (Album)"));
        }
        string[] shows = ["The Daily Sample", "Radiolab, Again", "ポッドキャスト"];
        var episodes = Enumerable.Range(0, 12).Select(i => new SampleContent("episode", $"spotify:episode:{Id(random)}", $"Episode {i + 1}", null, null, shows[i % shows.Length])).ToList();
        var bookUri = $"spotify:show:{Id(random)}";
        var chapters = Enumerable.Range(0, 6).Select(i => new SampleContent("audiobook", $"spotify:episode:{Id(random)}", $"Chapter {i + 1}", "Selma Lagerlöf", null,
            Audiobook: "Nils Holgerssons underbara resa", AudiobookUri: bookUri)).ToList();
        return new SampleCatalogue(tracks, episodes, chapters);
    }

    public SampleStream Stream(Random random, long ts)
    {
        var pick = random.Next(100);
        var content = pick < 85 || (pick >= 95 && ts < AudiobooksSince) ? tracks[(int)Math.Min(tracks.Count - 1, Math.Abs(random.NextDouble() * random.NextDouble()) * tracks.Count)]
            : pick < 95 ? episodes[random.Next(episodes.Count)]
            : chapters[random.Next(chapters.Count)];
        var skipped = random.Next(5) == 0;
        var ms = skipped ? random.Next(0, 30_000) : random.Next(30_000, content.Kind == "track" ? 300_000 : 3_000_000);
        var reasonStart = random.Next(20) == 0 ? (random.Next(2) == 0 ? "" : null) : Reasons[random.Next(Reasons.Length)];
        return new SampleStream(ts, ms, content, random.Next(SampleStream.DeviceCount), Countries[random.Next(Countries.Length)], reasonStart,
            skipped ? "fwdbtn" : "trackdone", random.Next(3) == 0, skipped, random.Next(10) == 0, random.Next(25) == 0);
    }

    private static string Id(Random random)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return string.Create(22, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[r.Next(alphabet.Length)];
            }
        });
    }
}
