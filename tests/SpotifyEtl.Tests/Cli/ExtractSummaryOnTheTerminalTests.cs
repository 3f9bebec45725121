using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Spotify;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The table `spotify-etl extract` ends with, when a source's error (Spotify's own words) holds tabs, line breaks and
/// direction controls: each row stays one line, none of them reaches the terminal, and every border lines up.
/// </summary>
public sealed class ExtractSummaryOnTheTerminalTests
{
    private static readonly string[] Odd = ["\t", "\n", "\r\n", "\u202e", "\u202c", "\u2067", "\u2069", "\u200e", "\u200f", "\u2028"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Errors_with_tabs_line_breaks_and_direction_controls_keep_the_table_lined_up(int seed)
    {
        var random = new Random(seed);
        var sources = Enumerable.Range(0, 4).Select(i => new SourceReport($"playlist:{i}{Noise(random)}", "playlist", "p", SourceStatus.Failed,
            0, 0, 1, 0, null, 100, 502, $"Spotify answered{Noise(random)}bad gateway{Noise(random)}", [])).ToList();
        var manifest = new ExtractionManifest("20261121T060000Z", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 0, ExtractionOutcome.Failed,
            null, false, "refresh_token", false, null, 4, 0, sources);

        var drawn = PlainConsole.Draw(200, console => console.Write(ExtractCommand.SummaryTable(manifest)));

        var lines = drawn.Split('\n').Where(line => line.Length > 0 && "┌│├└╭╰".Contains(line[0], StringComparison.Ordinal)).ToList();
        Assert.Equal(4 + 4, lines.Count); // top, header, rule, a row per source, bottom
        // Drawn as every other verb's tables are: rounded corners.
        Assert.Equal(('╭', '╰'), (lines[0][0], lines[^1][0]));
        foreach (var line in lines)
        {
            Assert.True(line.IndexOfAny(['\t', '\r', '\u202e', '\u202c', '\u2067', '\u2069', '\u200e', '\u200f', '\u2028']) < 0, $"a control reached the terminal: {line}");
            Assert.Equal(lines[0].Length, line.Length);
        }
    }

    private static string Noise(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => Odd[random.Next(Odd.Length)] + "x"));
}
