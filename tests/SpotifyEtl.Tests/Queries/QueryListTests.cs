using System.Text.Json;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// `spotify-etl query --list`: the names a user can give to --query, each with its question, without a lake; and a query
/// without --lake or --list says which one it needs.
/// </summary>
public sealed class QueryListTests
{
    /// <summary>Every queries/*.sql file of the repository, by name, with the question its first line asks.</summary>
    private static List<(string Name, string Question)> QueryFiles() =>
        [.. Directory.GetFiles(Path.Combine(FauxqsServer.RepositoryRoot(), "queries"), "*.sql")
            .Select(file => (Path.GetFileNameWithoutExtension(file), File.ReadLines(file).First()["-- Question:".Length..].Trim()))
            .OrderBy(query => query.Item1, StringComparer.Ordinal)];

    [Fact]
    public void The_list_names_every_query_file_with_its_question_and_needs_no_lake()
    {
        var listed = DemoCommandTests.RunCli("query", "--list");
        var asJson = DemoCommandTests.RunCli("query", "--list", "--json");

        Assert.True(listed.ExitCode == 0, listed.Errors);
        Assert.True(asJson.ExitCode == 0, asJson.Errors);
        var expected = QueryFiles();
        using var json = JsonDocument.Parse(asJson.Output);
        Assert.Equal(expected, json.RootElement.EnumerateArray().Select(query => (query.GetProperty("name").GetString()!, query.GetProperty("question").GetString()!)));
        Assert.All(json.RootElement.EnumerateArray(), query => Assert.False(string.IsNullOrWhiteSpace(query.GetProperty("description").GetString())));
        // The table: one row per query, its name and its question on it, in the order of the names.
        var rows = listed.Output.ReplaceLineEndings("\n").Split('\n').Where(line => line.StartsWith('│')).Skip(1)
            .Select(line => line.Split('│')[1..^1].Select(cell => cell.Trim()).ToArray()).ToList();
        Assert.Equal(expected, rows.Select(cells => (cells[0], cells[1])));
        // A name it lists is one --query runs (one of them, drawn by the count).
        var name = expected[new Random(expected.Count).Next(expected.Count)].Name;
        Assert.Equal(0, DemoCommandTests.RunCli("query", "--lake", LakeDatabaseTests.FixtureLake, "--query", name, "--json").ExitCode);
    }

    [Theory]
    [InlineData("query")]
    [InlineData("query", "--json")]
    [InlineData("query", "--query", "top_tracks")]
    public void A_query_without_a_lake_says_it_needs_one_and_that_list_needs_none(params string[] arguments)
    {
        var run = DemoCommandTests.RunCli(arguments);

        Assert.True(run.ExitCode == 64, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("'spotify-etl query' needs --lake <lake>: ", run.Errors, StringComparison.Ordinal);
        Assert.Contains("Not needed with --list.", run.Errors, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData("--query", "top_tracks")]
    [InlineData("--current-from-partitions")]
    public void The_list_with_an_option_of_a_run_is_refused_naming_both_ways(params string[] options)
    {
        var run = DemoCommandTests.RunCli(["query", "--list", .. options]);

        Assert.True(run.ExitCode == 64, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("--list names the queries and runs none", run.Errors, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }
}
