using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// One set of named queries answers the same in a Parquet lake and a CSV lake, also where Spotify sent a name as
/// null, as "" or as text of control characters only. Parquet keeps the first as NULL and the others as ''; a CSV file
/// writes each as an empty field, which Athena's OpenCSVSerDe and the local views read as ''. The queries give a
/// missing name one value whatever the format (the id where one stands in, else NULL; '' for the artist that
/// top_tracks and top_items_now show), so nothing may differ: no cell, NULL or '', no rank, no count, no row's place.
/// </summary>
public sealed class FormatAgreementTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Named_queries_answer_the_same_in_either_format_when_names_are_missing(int seed)
    {
        var sample = _folder["sample"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", sample, "--days", "3", "--items", "40", "--seed", $"{seed}").ExitCode);
        var raw = Path.Combine(sample, "raw");
        Assert.True(EmptyNames(raw, new Random(seed)) > 20);

        var csv = SameAnswersInEitherFormat(raw);
        // The fallback the queries make for a missing name shows in either format: the artist's id, not a blank.
        Assert.Matches(new Regex("^[^|]*\\|[0-9A-Za-z]{22}\\|", RegexOptions.Multiline), csv["plays_per_artist_week"]);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Named_queries_answer_the_same_in_either_format_when_a_playlists_metadata_did_not_land(int seed)
    {
        // Without the metadata of a playlist's day, the day's entries have no snapshot id: NULL in Parquet, '' in a CSV file.
        var sample = _folder["sample"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", sample, "--days", "3", "--items", "40", "--seed", $"{seed}").ExitCode);
        var raw = Path.Combine(sample, "raw");
        var random = new Random(seed);
        var metadata = Directory.EnumerateFiles(Path.Combine(raw, "playlist"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var firstDay = metadata.Select(file => Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(file)))).Min(StringComparer.Ordinal);
        foreach (var file in metadata.Where(file => file.Contains(firstDay!, StringComparison.Ordinal) || random.Next(3) == 0))
        {
            File.Delete(file);
        }

        var csv = SameAnswersInEitherFormat(raw);
        // Each entry of the first day is counted as a key once: no duplicate is reported where there is none.
        var entries = csv["data_quality"].Split('\n').Select(row => row.Split('|')).Where(cells => cells[1] == "playlist_entries").ToList();
        Assert.Contains(entries, cells => cells[0] == firstDay!["snapshot_date=".Length..]);
        Assert.All(entries, cells => Assert.Equal(cells[2], cells[3]));
    }

    /// <summary>Transforms <paramref name="raw"/> into a Parquet lake and a CSV lake, checks every query answers the same in both, and returns the CSV lake's answers.</summary>
    private Dictionary<string, string> SameAnswersInEitherFormat(string raw)
    {
        var answers = new[] { "parquet", "csv" }.Select(format =>
        {
            var lake = _folder[$"lake-{format}"];
            var transform = DemoCommandTests.RunCli("transform", "--input", raw, "--lake", lake, "--format", format);
            Assert.True(transform.ExitCode == 0, transform.Errors);
            var query = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
            Assert.True(query.ExitCode == 0, query.Errors);
            return Answers(query.Output);
        }).ToList();
        Assert.Equal(answers[0].Keys, answers[1].Keys);
        foreach (var (name, parquet) in answers[0])
        {
            Assert.True(parquet == answers[1][name], $"{name} answers differently:\nParquet:\n{parquet}\nCSV:\n{answers[1][name]}");
        }
        return answers[1];
    }

    /// <summary>
    /// Each "name" of a raw response (tracks, albums, artists, playlists) becomes, one time in three, null, "" or
    /// control characters the tables remove; the number changed.
    /// </summary>
    private static int EmptyNames(string raw, Random random) =>
        Directory.EnumerateFiles(raw, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Sum(file =>
            RawValues.Replace(file, (key, _) => key == "name" && random.Next(3) == 0
                ? (true, random.Next(3) switch { 0 => null, 1 => "", _ => "\u0000\u0007" })
                : (false, null)));

    /// <summary>Each query's rows from <c>query --json</c>, a line each, its cells joined by '|', a NULL shown as NULL, not as ''.</summary>
    private static Dictionary<string, string> Answers(string output)
    {
        using var json = JsonDocument.Parse(output);
        return json.RootElement.EnumerateArray().ToDictionary(
            query => query.GetProperty("name").GetString()!,
            query => string.Join('\n', query.GetProperty("rows").EnumerateArray()
                .Select(row => string.Join('|', row.EnumerateArray().Select(cell => cell.ValueKind switch
                {
                    JsonValueKind.Null => "NULL",
                    JsonValueKind.String => cell.GetString(),
                    _ => cell.GetRawText(),
                })))));
    }
}
