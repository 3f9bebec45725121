using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// `spotify-etl query --query NAME` looks at the files of the tables that query reads, and at no other table's: on a
/// three-year lake the daily tables hold some ten thousand partitions, and a query of the listening history that looked
/// for all of them spent most of its time doing so. Seen from outside the process, under strace: every path the process
/// named in a system call.
/// </summary>
public sealed partial class TablesLookedAtTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Queries() => [.. NamedQueries.All.Select(query => query.Name)];

    [Theory]
    [MemberData(nameof(Queries))]
    public void A_named_query_looks_at_the_files_of_the_tables_it_reads_and_of_no_other_table(string name)
    {
        var lake = LakeDatabaseTests.FixtureLake;
        var read = TablesOf(NamedQueries.All.Single(query => query.Name == name).Sql);
        Assert.NotEmpty(read);

        var (exitCode, output, errors, paths) = Traced(["query", "--lake", lake, "--query", name, "--json"]);

        Assert.True(exitCode == 0, errors);
        var lookedAt = paths.Select(path => TableFolder().Match(path)).Where(match => match.Success)
            .Select(match => match.Groups["table"].Value).ToHashSet(StringComparer.Ordinal);
        // Every current-state table's folder is looked into once (whether it has its file, or is computed from its daily
        // table's partitions), and the listening history's (whether the lake holds one: the answers say so).
        var alwaysLookedAt = CurrentTables.Columns.Keys.Append(TableNames.ListeningHistory);
        var others = lookedAt.Except(read).Except(alwaysLookedAt).Order(StringComparer.Ordinal).ToList();
        Assert.True(others.Count == 0, $"{name} reads {string.Join(", ", read)}, and its process looked at the files of {string.Join(", ", others)} too");
        var missed = read.Where(table => !paths.Any(path => path.Contains($"/transformed/{table}/", StringComparison.Ordinal) && path.EndsWith(".csv", StringComparison.Ordinal))).ToList();
        Assert.True(missed.Count == 0, $"{name} reads {string.Join(", ", missed)}, whose files its process never opened: the trace saw nothing");
        // And it answers as it does among every query, each table's view made before the first query runs.
        var alone = JsonNode.Parse(output)!.AsArray().Single()!;
        Assert.Equal(EveryAnswer.Value.AsArray().Single(answer => (string?)answer!["name"] == name)!.ToJsonString(), alone.ToJsonString());
    }

    /// <summary>`query --json` of every named query on the fixture lake, run once for all the cases.</summary>
    private static readonly Lazy<JsonNode> EveryAnswer = new(() =>
    {
        var all = DemoCommandTests.RunCli("query", "--lake", LakeDatabaseTests.FixtureLake, "--json");
        Assert.True(all.ExitCode == 0, all.Errors);
        return JsonNode.Parse(all.Output)!;
    });

    /// <summary>The tables (views) the query's SQL reads, from DuckDB's parse of it, as the tool finds them.</summary>
    private static List<string> TablesOf(string sql)
    {
        DuckDbNativeLibrary.Register();
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var views = TableNames.Columns.Keys.Concat(CurrentTables.Columns.Keys).ToList();
        return [.. TablesRead.Of(connection, sql, views)];
    }

    /// <summary>A path under a table's folder of the lake: <c>.../transformed/songs/snapshot_date=.../songs.csv</c>.</summary>
    [GeneratedRegex("/transformed/(?<table>[a-z_]+)(/|$)")]
    private static partial Regex TableFolder();

    /// <summary>A path a system call names, as strace writes it: the first quoted argument.</summary>
    [GeneratedRegex("""^\d+\s+\w+\((?:AT_FDCWD, |\d+<[^>]*>, )?"(?<path>[^"]*)""")]
    private static partial Regex NamedPath();

    /// <summary>spotify-etl run as the process tests run it, under <c>strace -f</c>: its output, and every path a system call of it named.</summary>
    private (int ExitCode, string Output, string Errors, List<string> Paths) Traced(string[] arguments)
    {
        var trace = _folder["trace.txt"];
        var (exitCode, output, errors) = StracedProcess.Run(trace, ["-s", "4096", "-e", "trace=%file,%desc"], arguments);
        var paths = new List<string>();
        foreach (var line in File.ReadLines(trace))
        {
            if (NamedPath().Match(line) is { Success: true } named)
            {
                paths.Add(named.Groups["path"].Value);
            }
            // A descriptor strace names (-y): getdents64(12</lake/transformed/songs>, ...), fstat(13</.../songs.csv>, ...).
            foreach (Match descriptor in Descriptor().Matches(line))
            {
                paths.Add(descriptor.Groups["path"].Value);
            }
        }
        return (exitCode, output, errors, paths);
    }

    [GeneratedRegex(@"\d+<(?<path>/[^>]*)>")]
    private static partial Regex Descriptor();
}
