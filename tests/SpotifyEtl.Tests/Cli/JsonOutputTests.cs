using System.Text.Json;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Tests.Queries;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// What a script reads: every verb that reports a result takes --json and prints one JSON object (or array) alone on
/// stdout, its figures those the sentence for a person gives. <c>demo</c> is a walk-through for a person (each of its steps
/// is a verb with --json), and <c>auth login</c> talks to a person at a browser.
/// </summary>
public sealed class JsonOutputTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Every_verb_but_the_walk_through_and_the_login_takes_json()
    {
        var verbs = CliRoot.Create().Subcommands.ToDictionary(command => command.Name, command => command.Options.Any(option => option.Name == "--json"));

        Assert.Equal(["current", "extract", "import", "query", "report", "sample", "transform"], verbs.Where(verb => verb.Value).Select(verb => verb.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["auth", "demo"], verbs.Where(verb => !verb.Value).Select(verb => verb.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Current_json_gives_the_days_and_each_tables_rows_the_sentence_gives()
    {
        var lake = LakeDatabaseTests.CopyOfFixtureLake(_folder["lake"]);

        var sentence = DemoCommandTests.RunCli("current", "--lake", lake);
        var json = DemoCommandTests.RunCli("current", "--lake", lake, "--json");

        Assert.True(sentence.ExitCode == 0 && json.ExitCode == 0, sentence.Errors + json.Errors);
        using var document = JsonDocument.Parse(json.Output);
        var root = document.RootElement;
        Assert.Equal(Path.GetFullPath(lake), root.GetProperty("lake").GetString());
        var tables = root.GetProperty("tables").EnumerateObject().ToDictionary(table => table.Name, table => table.Value.GetInt32());
        Assert.Equal(["albums_current", "artists_current", "playlists_current", "song_artists_current", "songs_current"], tables.Keys.Order(StringComparer.Ordinal));
        // The same figures as the sentence: "... from 3 days' partitions: songs_current 5 rows, ...".
        var days = root.GetProperty("days").GetInt32();
        Assert.Contains(days == 1 ? "from 1 day's partitions" : $"from {days:N0} days' partitions", sentence.Output, StringComparison.Ordinal);
        Assert.All(tables, table => Assert.Contains($"{table.Key} {table.Value:N0} {(table.Value == 1 ? "row" : "rows")}", sentence.Output, StringComparison.Ordinal));
        Assert.Contains(tables.Values, rows => rows > 0);
    }

    [Theory]
    [InlineData("-")]
    [InlineData("/dev/stdout")]
    public void Report_json_names_the_lake_and_the_page_in_full_and_refuses_to_share_stdout_with_the_page(string standardOutput)
    {
        var page = _folder["out/listening.html"];
        // Given as a user in the repository would: relative to the current folder (the tests run spotify-etl from the root).
        var relative = Path.GetRelativePath(RepositoryPaths.Root, LakeDatabaseTests.FixtureLake);

        var run = DemoCommandTests.RunCli("report", "--lake", relative, "--out", page, "--json");
        var both = DemoCommandTests.RunCli("report", "--lake", relative, "--out", standardOutput, "--json");

        Assert.True(run.ExitCode == 0, run.Errors);
        using var document = JsonDocument.Parse(run.Output);
        Assert.Equal(page, document.RootElement.GetProperty("report").GetString());
        Assert.Equal(LakeDatabaseTests.FixtureLake, document.RootElement.GetProperty("lake").GetString());
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(page), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(64, both.ExitCode);
        Assert.Contains("--json and an --out of standard output both want stdout", both.Errors, StringComparison.Ordinal);
        Assert.Empty(both.Output);
    }
}
