using System.Globalization;
using System.Text.Json;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// An artist's name with a tab and direction controls in it: query's table shows it on one line, the tab as a space
/// and the controls left out, with its row lined up with the others; --json gives the name as the lake holds it.
/// </summary>
public sealed class QueryNamesOnTheTerminalTests : IDisposable
{
    private const string Name = "Qu\teen \u202eneeuQ\u202c \u2067x\u2069\u200e";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_name_with_a_tab_and_direction_controls_lines_up_in_the_table_and_is_whole_in_json()
    {
        var lake = LakeDatabaseTests.CopyOfFixtureLake(_folder["lake"]);
        var files = Directory.EnumerateFiles(Path.Combine(lake, "transformed"), "artists*.csv", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            File.WriteAllText(file, File.ReadAllText(file).Replace(",Queen,", $",\"{Name}\",", StringComparison.Ordinal));
        }

        var json = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "top_artists", "--json");
        var table = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "top_artists");

        Assert.True(json.ExitCode == 0, json.Errors);
        using var answers = JsonDocument.Parse(json.Output);
        Assert.Contains(answers.RootElement.EnumerateArray().Single().GetProperty("rows").EnumerateArray(),
            row => row.EnumerateArray().Any(value => value.ValueKind == JsonValueKind.String && value.GetString() == Name));
        Assert.True(table.ExitCode == 0, table.Errors);
        var lines = table.Output.Split('\n').Where(line => line.Length > 0 && "╭│├╰".Contains(line[0], StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, line => line.Contains("Qu een neeuQ x", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            Assert.True(line.IndexOfAny(['\t', '\u202c', '\u202e', '\u2067', '\u2069', '\u200e']) < 0, $"a tab or direction control: {line}");
            Assert.Equal(Columns(lines[0]), Columns(line));
        }
    }

    /// <summary>
    /// The columns a terminal gives <paramref name="line"/>: kana and CJK ideographs (the fixture's names have some) two,
    /// format characters none, a tab up to the next stop of eight.
    /// </summary>
    private static int Columns(string line)
    {
        var columns = 0;
        foreach (var c in line)
        {
            columns += c switch
            {
                '\t' => 8 - (columns % 8),
                >= '\u3040' and <= '\u9fff' => 2,
                _ when char.GetUnicodeCategory(c) == UnicodeCategory.Format => 0,
                _ => 1,
            };
        }
        return columns;
    }
}
