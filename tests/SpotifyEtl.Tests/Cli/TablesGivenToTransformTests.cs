using System.Text.RegularExpressions;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A lake's tables where the transform looks for raw API responses: a lake's transformed/ folder (or one table's folder, or
/// one day's) given as <c>--input</c>, or a lake of tables alone (synced from the transformed bucket, copied without raw/)
/// given as <c>--lake</c>. Each is refused (exit 65) saying it holds tables, with the commands that read it; run as printed,
/// they answer. Not advice to make a sample, and no lake made where none was.
/// </summary>
public sealed class TablesGivenToTransformTests : IDisposable
{
    private static readonly string[] Tables = ["songs", "albums", "artists", "song_artists", "playlists", "playlist_entries", "plays", "saved_tracks", "top_items"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Lake(Random random, int seed)
    {
        // A space in the lake's name: the commands printed must quote it.
        var lake = _folder[$"my lake {seed}"];
        var format = random.Next(2) == 0 ? "parquet" : "csv";
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", $"{2 + random.Next(2)}", "--items", "20", "--seed", $"{seed}").ExitCode);
        var transformed = DemoCommandTests.RunCli("transform", "--lake", lake, "--format", format);
        Assert.True(transformed.ExitCode == 0, transformed.Errors);
        return lake;
    }

    /// <summary>The commands an error names, as bash would run them.</summary>
    private static List<string[]> Commands(string errors) =>
        [.. Regex.Matches(errors, @"spotify-etl ((?:query|transform) --lake (?:""(?:[^""\\]|\\.)*""|[^\s;.]+))").Select(m => WrongVerbInputTests.Words(m.Groups[1].Value))];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_lakes_tables_given_as_the_input_name_the_query_and_the_transform_of_their_lake_and_both_answer(int seed)
    {
        var random = new Random(seed);
        var lake = Lake(random, seed);
        var table = Path.Combine(lake, "transformed", Tables[random.Next(Tables.Length)]);
        var days = Directory.GetDirectories(table).Order(StringComparer.Ordinal).ToList();
        var input = (seed % 3) switch { 0 => Path.Combine(lake, "transformed"), 1 => table, _ => days[random.Next(days.Count)] };
        var target = _folder["new lake"];

        var refused = DemoCommandTests.RunCli("transform", "--input", input, "--lake", target);

        Assert.True(refused.ExitCode == 65, $"exit {refused.ExitCode}: {refused.Errors}");
        Assert.Contains($"No raw objects found in {input}: it holds a lake's tables", refused.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("spotify-etl sample", refused.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target), "no lake is made where none was");
        var commands = Commands(refused.Errors);
        Assert.Equal(["query", "transform"], commands.Select(words => words[0]));
        foreach (var command in commands)
        {
            Assert.Equal(lake, command[^1]);
            var run = DemoCommandTests.RunCli(command);
            Assert.True(run.ExitCode == 0, $"{string.Join(' ', command)}: exit {run.ExitCode}: {run.Errors}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_lake_of_tables_alone_names_the_query_that_answers_and_the_landing_that_would_transform_it(int seed)
    {
        var random = new Random(seed);
        var made = Lake(random, seed);
        var lake = _folder[$"tables only {seed}"];
        TempFolder.CopyTree(Path.Combine(made, "transformed"), Path.Combine(lake, "transformed"));
        if (seed % 2 == 0)
        {
            // An empty raw/ (made by hand, or left by a sync of nothing) is no raw object either.
            Directory.CreateDirectory(Path.Combine(lake, "raw", "recently_played"));
        }

        var refused = DemoCommandTests.RunCli("transform", "--lake", lake);

        Assert.True(refused.ExitCode == 65, $"exit {refused.ExitCode}: {refused.Errors}");
        Assert.Contains("the lake holds tables", refused.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("spotify-etl sample", refused.Errors, StringComparison.Ordinal);
        var query = Assert.Single(Commands(refused.Errors));
        Assert.Equal(["query", "--lake", lake], query);
        var answered = DemoCommandTests.RunCli(query);
        Assert.True(answered.ExitCode == 0, $"exit {answered.ExitCode}: {answered.Errors}");
        // The landing it names, with the raw responses the tables came from, transforms it.
        Assert.Contains($"spotify-etl transform --input FOLDER --lake {ShellWord.Of(lake)}", refused.Errors, StringComparison.Ordinal);
        var landed = DemoCommandTests.RunCli("transform", "--input", Path.Combine(made, "raw"), "--lake", lake);
        Assert.True(landed.ExitCode == 0, $"exit {landed.ExitCode}: {landed.Errors}");

        // A table's folder of that lake given as the input names the query alone: the lake had no raw/ to write it again from.
        var fresh = _folder[$"tables only again {seed}"];
        TempFolder.CopyTree(Path.Combine(made, "transformed"), Path.Combine(fresh, "transformed"));
        var input = Path.Combine(fresh, "transformed", Tables[random.Next(Tables.Length)]);
        var told = DemoCommandTests.RunCli("transform", "--input", input, "--lake", _folder["new lake"]);
        Assert.Equal(65, told.ExitCode);
        Assert.Equal(["query", "--lake", fresh], Assert.Single(Commands(told.Errors)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Tables_outside_any_lake_given_as_the_input_are_told_where_a_lake_keeps_them(int seed)
    {
        var random = new Random(seed);
        var made = Lake(random, seed);
        var tables = _folder["exported tables"];
        foreach (var table in Tables.OrderBy(_ => random.Next()).Take(1 + random.Next(3)))
        {
            TempFolder.CopyTree(Path.Combine(made, "transformed", table), Path.Combine(tables, table));
        }

        var refused = DemoCommandTests.RunCli("transform", "--input", tables, "--lake", _folder["new lake"]);

        Assert.True(refused.ExitCode == 65, $"exit {refused.ExitCode}: {refused.Errors}");
        Assert.Contains("it holds a lake's tables", refused.Errors, StringComparison.Ordinal);
        Assert.Contains("under its transformed/ folder", refused.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("spotify-etl sample", refused.Errors, StringComparison.Ordinal);
        // Put where it says, the tables answer.
        TempFolder.CopyTree(tables, _folder["a lake/transformed"]);
        Assert.Equal(0, DemoCommandTests.RunCli("query", "--lake", _folder["a lake"]).ExitCode);
    }
}
