using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
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
