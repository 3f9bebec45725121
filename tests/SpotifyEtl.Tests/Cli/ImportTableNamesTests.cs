using System.Globalization;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// import's table names each file as given: a name with a tab or a direction control in it shows on one line, the tab
/// as a space and the control left out, so that the table's borders line up.
/// </summary>
public sealed class ImportTableNamesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("Streaming_History_Audio_2024\t_0.json")]
    [InlineData("Streaming_History_Audio_2024_\u202egnp.json")]
    [InlineData("Streaming_History_Audio_\u2066\u200f2024\u2069\u202c_0.json")]
    public void A_file_name_with_a_tab_or_a_direction_control_keeps_the_table_lined_up(string name)
    {
        var file = _folder[name];
        File.WriteAllText(file, """[{"ts": "2024-03-01T10:00:00Z", "ms_played": 40000, "master_metadata_track_name": "A", "master_metadata_album_artist_name": "B", "master_metadata_album_album_name": "C", "spotify_track_uri": "spotify:track:0000000000000000000001"}]""");

        var run = DemoCommandTests.RunCli("import", file, "--lake", _folder["lake"]);

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        var files = run.Output.Split('\n').SkipWhile(line => !line.TrimStart().StartsWith("Files", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(line => line.Length > 0 && "╭│├╰".Contains(line[0], StringComparison.Ordinal)).ToList();
        Assert.Equal(5, files.Count);
        foreach (var line in files)
        {
            Assert.True(line.IndexOfAny(['\t', '\u202c', '\u202e', '\u2066', '\u2069', '\u200f']) < 0, $"a tab or direction control: {line}");
            Assert.Equal(Columns(files[0]), Columns(line));
        }
    }

    /// <summary>The columns a terminal gives <paramref name="line"/>: format characters none, a tab up to the next stop of eight.</summary>
    private static int Columns(string line)
    {
        var columns = 0;
        foreach (var c in line)
        {
            columns += c == '\t' ? 8 - (columns % 8) : char.GetUnicodeCategory(c) == UnicodeCategory.Format ? 0 : 1;
        }
        return columns;
    }
}
