using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SpotifyEtl.Tests.Spotify;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The progress display as a terminal shows it: the verbs run under a pseudo-terminal (util-linux <c>script</c>), so that
/// stderr is a terminal and the display is drawn. import counts the bytes it read; sample, whose size is estimated before
/// it starts, shows a fraction done rather than an indeterminate bar.
/// </summary>
public sealed partial class ProgressOnATerminalTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Import_shows_the_bytes_it_read()
    {
        var history = _folder["Streaming_History_Audio_2024_0.json"];
        File.WriteAllText(history, History(4000));
        var megabytes = new FileInfo(history).Length / 1024.0 / 1024.0;
        Assert.True(megabytes > 0.5, $"{megabytes} MiB");

        var shown = OnATerminal("import", history, "--lake", _folder["lake"]);

        var sizes = Sizes().Matches(shown).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(sizes.Count > 0, shown);
        // The last display, once every file is read and merged, shows them all.
        Assert.True(Math.Abs(sizes[^1] - megabytes) <= 0.1, $"{sizes[^1]} MiB shown for {megabytes:0.00}: {shown}");
    }

    [Fact]
    public void Sample_shows_how_far_it_is()
    {
        var shown = OnATerminal("sample", "--out", _folder["sample"], "--days", "60", "--items", "200");

        var percentages = Percentages().Matches(shown).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(percentages.Count > 0, shown);
        Assert.True(percentages.Any(p => p is > 0 and < 100), $"shown: {string.Join(' ', percentages.Distinct())}");
        // The bar only moves forward.
        Assert.Equal(percentages.Order(), percentages);
    }

    [Fact]
    public void Demo_shows_how_far_its_sample_is()
    {
        var shown = OnATerminal("demo", "--lake", _folder["lake"], "--days", "3", "--items", "300");

        Assert.Contains("Writing the sample: ", shown, StringComparison.Ordinal);
        Assert.True(Percentages().Count(shown) > 0, shown);
    }

    /// <summary>
    /// A warning written while extract's display is drawn (Spotify answered 503 once, and the client says it retries) is a
    /// line of its own above the display, where it was written onto the display's own line and the next frame drew over it.
    /// </summary>
    [Fact]
    public async Task Extract_shows_a_retry_warning_on_a_line_of_its_own_above_the_display()
    {
        await using var spotify = await SpotifyDouble.StartAsync();
        spotify.SavedTrackCount = 120;
        spotify.Inject("me/tracks", Fault.ServerError(503));
        var environment = new Dictionary<string, string>(CliTestContext.ProcessWithCredentials(_folder["home"], SpotifyDouble.ClientId, SpotifyDouble.ClientSecret,
            SpotifyDouble.InitialRefreshToken))
        {
            ["SPOTIFY_API_BASE_URL"] = spotify.Endpoints.ApiBase.ToString(),
            ["SPOTIFY_ACCOUNTS_BASE_URL"] = spotify.Endpoints.AccountsBase.ToString(),
        };

        var received = PseudoTerminal.Run(environment, "", "extract", "--lake", _folder["lake"], "--saved-tracks");
        var screen = PseudoTerminal.Screen(received);

        var warned = screen.Split('\n').Where(line => line.Contains("warning:", StringComparison.Ordinal)).ToList();
        Assert.True(warned.Count > 0 && warned.Any(line => line.Contains("503", StringComparison.Ordinal)), screen);
        Assert.All(warned, line => Assert.StartsWith("spotify-etl: warning: ", line, StringComparison.Ordinal));
        // Sent as one line: no line break inside it, whatever the terminal's width.
        var sent = Assert.Single(PseudoTerminal.WithoutEscapes(received).Split('\n'), line => line.Contains("spotify-etl: warning:", StringComparison.Ordinal));
        Assert.Contains("; retry 1 of ", sent, StringComparison.Ordinal);
    }

    /// <summary>What spotify-etl draws on a terminal of 100 columns, escape sequences left out.</summary>
    private static string OnATerminal(params string[] arguments) => PseudoTerminal.WithoutEscapes(PseudoTerminal.Run("", arguments));

    /// <summary>An extended streaming history of <paramref name="count"/> plays.</summary>
    private static string History(int count)
    {
        var json = new StringBuilder("[");
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < count; i++)
        {
            json.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $$"""{"ts": "{{start.AddMinutes(7 * i):yyyy-MM-ddTHH:mm:ssZ}}", "platform": "linux", "ms_played": {{30_000 + i}}, "conn_country": "DE", "master_metadata_track_name": "Track {{i}}", "master_metadata_album_artist_name": "Artist {{i % 50}}", "master_metadata_album_album_name": "Album {{i % 90}}", "spotify_track_uri": "spotify:track:{{i:D22}}", "reason_start": "trackdone", "reason_end": "trackdone", "shuffle": false, "skipped": false, "offline": false}""");
        }
        return json.Append(']').ToString();
    }

    [GeneratedRegex(@"\((\d+\.\d) MiB\)")]
    private static partial Regex Sizes();

    [GeneratedRegex(@"\s(\d{1,3})%")]
    private static partial Regex Percentages();
}
