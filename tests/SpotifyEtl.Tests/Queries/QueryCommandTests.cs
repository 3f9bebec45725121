using System.Text.Json;
using System.Text.Json.Nodes;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Tests.Cli;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>`spotify-etl query`, run as a user runs it.</summary>
public sealed class QueryCommandTests
{
    [Fact]
    public void Json_output_has_name_question_columns_types_and_each_value_typed_by_its_column()
    {
        var run = DemoCommandTests.RunCli("query", "--lake", LakeDatabaseTests.FixtureLake, "--json");

        Assert.True(run.ExitCode == 0, run.Errors);
        using var json = JsonDocument.Parse(run.Output);
        var results = json.RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(results);
        // The answers as the table prints them: every value as DuckDB's text.
        using var database = LakeDatabase.Open(LakeDatabaseTests.FixtureLake);
        var kinds = new HashSet<JsonValueKind>();
        Assert.All(results, result =>
        {
            var name = result.GetProperty("name").GetString()!;
            Assert.False(string.IsNullOrWhiteSpace(name));
            Assert.False(string.IsNullOrWhiteSpace(result.GetProperty("question").GetString()), $"{name} has no question");
            var columns = result.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList();
            var types = result.GetProperty("types").EnumerateArray().Select(t => t.GetString()!).ToList();
            Assert.NotEmpty(columns);
            Assert.All(columns, column => Assert.False(string.IsNullOrWhiteSpace(column), $"{name} has a column without a name"));
            Assert.Equal(columns.Count, types.Count);
            var text = database.Run(NamedQueries.All.Single(q => q.Name == name));
            Assert.Equal(columns, text.Columns);
            var rows = result.GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal(text.Rows.Count, rows.Count);
            foreach (var (row, expected) in rows.Zip(text.Rows))
            {
                Assert.True(row.GetArrayLength() == columns.Count, $"{name} has a row of {row.GetArrayLength()} cells for {columns.Count} columns: {row}");
                foreach (var (cell, (value, type)) in row.EnumerateArray().Zip(expected.Zip(types)))
                {
                    kinds.Add(cell.ValueKind);
                    var want = value is null ? JsonValueKind.Null
                        : type is "BIGINT" or "INTEGER" or "HUGEINT" or "DOUBLE" || type.StartsWith("DECIMAL", StringComparison.Ordinal) ? JsonValueKind.Number
                        : type == "BOOLEAN" ? (value == "true" ? JsonValueKind.True : JsonValueKind.False)
                        : JsonValueKind.String;
                    Assert.True(cell.ValueKind == want, $"{name}: {cell} of a {type} column is {cell.ValueKind}, not {want}");
                    Assert.Equal(value, want == JsonValueKind.String ? cell.GetString() : want == JsonValueKind.Null ? null : cell.GetRawText());
                }
            }
        });
        Assert.Contains(JsonValueKind.Number, kinds);
        Assert.Contains(JsonValueKind.String, kinds);
        var movement = results.Single(r => r.GetProperty("name").GetString() == "top_tracks_movement");
        Assert.Equal("How did my top tracks move between extractions?", movement.GetProperty("question").GetString());
        var dropped = movement.GetProperty("rows").EnumerateArray().Last().EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, dropped[1].ValueKind);
        Assert.Equal(3, dropped[2].GetInt32());
    }

    [Fact]
    public void The_json_example_in_the_analytics_doc_is_what_the_tool_prints_on_the_fixture_lake()
    {
        var doc = File.ReadAllText(Path.Combine(Support.RepositoryPaths.Root, "docs", "analytics.md"));
        var section = doc[doc.IndexOf("JSON format:", StringComparison.Ordinal)..];
        var start = section.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        var example = JsonNode.Parse(section[start..section.IndexOf("```", start, StringComparison.Ordinal)])!;
        var name = example[0]!["name"]!.GetValue<string>();

        var run = DemoCommandTests.RunCli("query", "--lake", LakeDatabaseTests.FixtureLake, "--query", name, "--json");

        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.True(JsonNode.DeepEquals(example, JsonNode.Parse(run.Output)), $"docs/analytics.md shows {example.ToJsonString()}, the tool prints {run.Output}");
    }

    [Fact]
    public void A_lake_that_does_not_exist_or_a_folder_inside_a_lake_is_named_with_the_folder_to_give_instead()
    {
        using var folder = new Support.TempFolder();
        var lake = TransformedSample(folder["lake"], days: 1, items: 20);

        var missing = DemoCommandTests.RunCli("query", "--lake", folder["nope"]);
        var inside = DemoCommandTests.RunCli("report", "--lake", Path.Combine(lake, "transformed"), "--out", folder["report.html"]);

        Assert.Equal(66, missing.ExitCode);
        Assert.Contains("does not exist", missing.Errors, StringComparison.Ordinal);
        // Not the advice to transform a folder that is not there, which would fail in its turn.
        Assert.DoesNotContain("spotify-etl transform --lake", missing.Errors, StringComparison.Ordinal);
        Assert.Equal(66, inside.ExitCode);
        Assert.Contains($"give --lake {Path.GetFullPath(lake)}.", inside.Errors, StringComparison.Ordinal);
    }

    /// <summary>A sample lake of that size, transformed by the tool.</summary>
    private static string TransformedSample(string lake, int days, int items)
    {
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", $"{days}", "--items", $"{items}").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        return lake;
    }

    [Fact]
    public void Json_answers_hold_names_as_they_are_not_as_escapes()
    {
        using var folder = new Support.TempFolder();
        var lake = TransformedSample(folder["lake"], days: 2, items: 200);

        var run = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "top_artists", "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var names = json.RootElement.EnumerateArray().Single().GetProperty("rows").EnumerateArray()
            .Select(row => row[2].GetString()!).Where(name => name.Any(c => c > '~' || c is '\'' or '+' or '&' or '<')).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.Contains(name, run.Output, StringComparison.Ordinal));
    }

    [Fact]
    public void A_lake_without_current_state_tables_answers_from_every_days_partition_and_says_how_to_write_them()
    {
        using var folder = new Support.TempFolder();
        var lake = folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "3", "--items", "60").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake, "--no-current-tables").ExitCode);

        var answered = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        var computed = DemoCommandTests.RunCli("query", "--lake", lake, "--json", "--current-from-partitions");

        Assert.True(answered.ExitCode == 0, answered.Errors);
        Assert.Equal(computed.Output, answered.Output);
        Assert.Contains("songs_current", answered.Errors, StringComparison.Ordinal);
        Assert.Contains($"'spotify-etl current --lake {lake}' writes them", answered.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("songs_current", computed.Errors, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(answered.Output))
        {
            var topArtists = json.RootElement.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "top_artists");
            Assert.NotEmpty(topArtists.GetProperty("rows").EnumerateArray());
        }

        // Once written, the tables are read, and nothing is said.
        Assert.Equal(0, DemoCommandTests.RunCli("current", "--lake", lake).ExitCode);
        var read = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        Assert.Equal(computed.Output, read.Output);
        Assert.DoesNotContain("warning", read.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Between_a_new_days_partitions_and_the_current_tables_rebuild_the_playlist_questions_answer_from_the_current_tables(int seed)
    {
        // As Athena reads while the transform function writes: the latest day's partitions stand, the current-state
        // tables are still the previous day's. The questions that join the latest day to playlists_current must not
        // come back empty meanwhile: they answer as of the current tables, then as of the new day once those are rebuilt.
        using var folder = new Support.TempFolder();
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", folder["sample"], "--days", "3", "--items", "60", "--seed", $"{seed}").ExitCode);
        var lastDay = Directory.EnumerateDirectories(folder["sample/raw"], "snapshot_date=*", SearchOption.AllDirectories).Select(Path.GetFileName).Max()!;
        foreach (var file in Directory.EnumerateFiles(folder["sample/raw"], "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder["sample"], file);
            var to = Path.Combine(relative.Contains(lastDay, StringComparison.Ordinal) ? folder["new"] : folder["lake"], relative);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", folder["lake"]).ExitCode);
        var before = Answers(folder["lake"]);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", folder["lake"], "--input", folder["new"], "--no-current-tables").ExitCode);

        var between = Answers(folder["lake"]);

        Assert.All(between, answer => Assert.True(answer.Value.Count > 0, $"{answer.Key} answered no row between the new day and the current tables (seed {seed})"));
        Assert.Equal(before, between);
        Assert.Equal(0, DemoCommandTests.RunCli("current", "--lake", folder["lake"]).ExitCode);
        Assert.Equal(Answers(folder["lake"], "--current-from-partitions"), Answers(folder["lake"]));
    }

    /// <summary>
    /// A playlist first landed after the current-state tables were written (a transform with <c>--no-current-tables</c>, a
    /// Lambda run stopped before its rebuild, Athena reading while the function writes): the playlist questions that name
    /// playlists from <c>playlists_current</c> answer its rows with no name, as for a playlist whose name is unknown, where
    /// they left the playlist out. Once the tables are written, the same rows carry its name.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_playlist_the_current_tables_do_not_hold_yet_is_answered_with_no_name_not_left_out(int seed)
    {
        using var folder = new Support.TempFolder();
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", folder["sample"], "--days", "4", "--items", "8", "--seed", $"{seed}").ExitCode);
        var playlists = Directory.EnumerateDirectories(folder["sample/raw/playlist"], "*", SearchOption.AllDirectories)
            .Where(d => !Path.GetFileName(d).StartsWith("snapshot_date=", StringComparison.Ordinal)).Select(Path.GetFileName).Distinct().Order(StringComparer.Ordinal).ToList();
        var held = playlists[seed % playlists.Count]!;
        foreach (var file in Directory.EnumerateFiles(folder["sample/raw"], "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder["sample"], file);
            var to = Path.Combine(relative.Split(Path.DirectorySeparatorChar).Contains(held) ? folder["new"] : folder["lake"], relative);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", folder["lake"]).ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", folder["lake"], "--input", folder["new"], "--no-current-tables").ExitCode);
        string[] questions = ["days_on_playlist", "playlist_changes"];
        var between = questions.ToDictionary(q => q, q => Rows(folder["lake"], q));
        Assert.Equal(0, DemoCommandTests.RunCli("current", "--lake", folder["lake"]).ExitCode);

        foreach (var question in questions)
        {
            var named = between[question].Select(row => row[0]).OfType<string>().ToHashSet(StringComparer.Ordinal);
            // The held playlist's rows once its name is known, with the name taken out.
            var expected = Rows(folder["lake"], question).Where(row => row[0] is { } name && !named.Contains(name))
                .Select(row => string.Join('|', row.Skip(1))).Order(StringComparer.Ordinal).ToList();
            var unnamed = between[question].Where(row => row[0] is null).Select(row => string.Join('|', row.Skip(1))).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, unnamed);
            if (question == "days_on_playlist")
            {
                Assert.NotEmpty(unnamed);
            }
        }
    }

    /// <summary>A question's rows, each value as its JSON text but for the first, the playlist's name (null when none).</summary>
    private static List<string?[]> Rows(string lake, string question)
    {
        var run = DemoCommandTests.RunCli("query", "--lake", lake, "--json", "--query", question);
        Assert.True(run.ExitCode == 0, run.Errors);
        using var json = JsonDocument.Parse(run.Output);
        return json.RootElement[0].GetProperty("rows").EnumerateArray()
            .Select(row => row.EnumerateArray().Select((value, i) => i == 0 ? value.GetString() : value.GetRawText()).ToArray()).ToList();
    }

    /// <summary>The rows of the two playlist questions that take the latest day from playlists_current, as JSON text.</summary>
    private static SortedDictionary<string, List<string>> Answers(string lake, params string[] options)
    {
        var answers = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var query in new[] { "playlist_top_songs", "artists_with_most_songs" })
        {
            var run = DemoCommandTests.RunCli(["query", "--lake", lake, "--json", "--query", query, .. options]);
            Assert.True(run.ExitCode == 0, run.Errors);
            using var json = JsonDocument.Parse(run.Output);
            answers[query] = json.RootElement[0].GetProperty("rows").EnumerateArray().Select(row => row.GetRawText()).ToList();
        }
        return answers;
    }

    [Fact]
    public void One_query_prints_as_one_readable_table()
    {
        var run = DemoCommandTests.RunCli("query", "--lake", LakeDatabaseTests.FixtureLake, "--query", "saved_tracks_per_week");

        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.StartsWith("saved_tracks_per_week: What did I save to my library each week?", run.Output.Trim(), StringComparison.Ordinal);
        Assert.Contains("KICK BACK", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("top_tracks_movement", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_query_is_a_usage_error_naming_the_known_ones()
    {
        var run = DemoCommandTests.RunCli("query", "--lake", LakeDatabaseTests.FixtureLake, "--query", "nope");

        Assert.Equal(64, run.ExitCode);
        Assert.Contains("No named query 'nope'", run.Errors, StringComparison.Ordinal);
        Assert.Contains("playlist_top_songs", run.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("query")]
    [InlineData("report")]
    [InlineData("current")]
    public void A_lake_whose_transformed_folder_holds_no_table_file_says_it_has_no_tables_yet_with_exit_66(string verb)
    {
        using var folder = new Support.TempFolder();
        var lake = folder["lake"];
        // A transformed/ folder with a table's folder in it, but no file: an emptied lake, or one whose transform failed early.
        Directory.CreateDirectory(Path.Combine(lake, "transformed", "plays", "snapshot_date=2026-11-20"));

        var run = DemoCommandTests.RunCli(verb, "--lake", lake);

        Assert.True(run.ExitCode == 66, $"exit {run.ExitCode}: {run.Output}{run.Errors}");
        // Nothing in raw/ either: what fills a lake, from the API or from the data export (which current, rebuilding the API's
        // tables alone, does not read).
        Assert.Contains($"The lake {lake} has no transformed/ tables yet: run 'spotify-etl extract', then 'spotify-etl transform --lake ", run.Errors, StringComparison.Ordinal);
        Assert.Equal(verb != "current", run.Errors.Contains("or import your Spotify data export ('spotify-etl import my_spotify_data.zip --lake ", StringComparison.Ordinal));
        Assert.Single(run.Errors.TrimEnd().Split('\n'));
        Assert.DoesNotContain("(no rows)", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(lake, "report.html")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(lake, "transformed"), "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("query")]
    [InlineData("report")]
    public void A_missing_lake_is_named_in_full_as_not_existing_without_advice_to_transform_it(string verb)
    {
        using var folder = new Support.TempFolder();
        var lake = folder["no-such-lake"];

        var run = DemoCommandTests.RunCli(verb, "--lake", lake);

        Assert.Equal(66, run.ExitCode);
        Assert.Equal($"spotify-etl: The lake {Path.GetFullPath(lake)} does not exist: give --lake the folder 'spotify-etl transform', 'import' or 'demo' wrote (it holds transformed/).",
            Assert.Single(run.Errors.TrimEnd().Split('\n')).TrimEnd('\r'));
        Assert.DoesNotContain("first", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("transformed/ tables yet", run.Errors, StringComparison.Ordinal);
        Assert.Empty(run.Output);
        Assert.False(Directory.Exists(lake));
    }
}
