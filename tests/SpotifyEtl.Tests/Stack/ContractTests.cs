using System.Text.Json;
using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Stack;

/// <summary>
/// infra/contract.json holds the names the Pulumi program and the functions share. The program
/// imports it; these tests hold the C# side to it, so a name changed on one side only fails here:
/// lake prefixes, environment variables, metric and log event names, and every table's columns and
/// types (Athena maps CSV fields by position and Parquet columns by name and type).
/// </summary>
public sealed class ContractTests
{
    private static readonly JsonElement Contract =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Infra, "contract.json"))).RootElement;

    private static string Name(params string[] path) =>
        path.Aggregate(Contract, (node, key) => node.GetProperty(key)).GetString()!;

    [Fact]
    public void The_lake_prefixes_are_the_contracts()
    {
        Assert.Equal(LakeLayout.Raw, Name("lake", "raw"));
        Assert.Equal(LakeLayout.Quarantine, Name("lake", "quarantine"));
        Assert.Equal(LakeLayout.State, Name("lake", "state"));
        Assert.Equal(LakeLayout.Manifests, Name("lake", "manifests"));
        Assert.Equal(LakeLayout.Staging, Name("lake", "staging"));
        Assert.Equal(LakeLayout.Transformed, Name("lake", "transformed"));
        Assert.Equal(LakeLayout.Reports, Name("lake", "reports"));
        Assert.Equal(LakeLayout.Import, Name("lake", "import"));
    }

    [Fact]
    public void The_functions_read_the_environment_variables_the_program_sets()
    {
        Assert.Equal(TransformSettings.RawBucketVariable, Name("environment", "transform", "rawBucket"));
        Assert.Equal(TransformSettings.TransformedBucketVariable, Name("environment", "transform", "transformedBucket"));
        Assert.Equal(TransformSettings.TableFormatVariable, Name("environment", "transform", "tableFormat"));
        Assert.Equal(ExtractFunction.TimeBudgetVariable, Name("environment", "extract", "timeBudgetSeconds"));
        Assert.Equal(TransformSettings.TimeBudgetVariable, Name("environment", "transform", "timeBudgetSeconds"));
        Assert.Equal(ExtractorOptions.MarketVariable, Name("environment", "extract", "market"));
        Assert.Equal(ExtractorOptions.TopItemsLimitVariable, Name("environment", "extract", "topItemsLimit"));
        Assert.Equal(ExtractorOptions.SavedTracksFullPassDaysVariable, Name("environment", "extract", "savedTracksFullPassDays"));
    }

    [Fact]
    public void The_transform_publishes_the_metrics_and_events_the_alarms_watch()
    {
        Assert.Equal(new TransformSettings("raw", "out").MetricsNamespace, Name("metrics", "namespace"));
        Assert.Equal(TransformSettings.MetricsNamespaceVariable, Name("environment", "transform", "metricsNamespace"));
        Assert.Equal(TransformMetrics.Transformed, Name("metrics", "transformed"));
        Assert.Equal(TransformMetrics.Quarantined, Name("metrics", "quarantined"));
        Assert.Equal(TransformMetrics.UnreadableItems, Name("metrics", "unreadableItems"));
        Assert.Equal(TransformEvents.Completed, Name("logEvents", "transformCompleted"));
        Assert.Equal(TransformEvents.Failed, Name("logEvents", "transformFailed"));
        Assert.Equal(TransformEvents.Object, Name("logEvents", "transformObject"));
    }

    [Fact]
    public void Every_table_the_transformation_writes_has_the_contracts_columns_and_types_in_order()
    {
        var declared = Contract.GetProperty("tables").EnumerateArray().ToDictionary(
            table => table.GetProperty("name").GetString()!,
            table => table.GetProperty("columns").EnumerateArray()
                .Select(c => $"{c.GetProperty("name").GetString()}:{c.GetProperty("type").GetString()}").ToList());

        var written = TableNames.Published.Append(TableNames.ListeningHistory).Concat(CurrentTables.All).ToList();
        Assert.Equal(written.Order(StringComparer.Ordinal), declared.Keys.Order(StringComparer.Ordinal));
        var columns = TableNames.Columns.Concat(CurrentTables.Columns).ToDictionary();
        foreach (var table in written)
        {
            Assert.Equal(declared[table], columns[table].Select(c => $"{c.Name}:{GlueType(c.Type)}"));
        }
    }

    [Fact]
    public void Every_current_state_table_has_the_contracts_source_and_key()
    {
        var declared = Contract.GetProperty("tables").EnumerateArray().Where(t => t.TryGetProperty("currentOf", out _)).ToDictionary(
            table => table.GetProperty("name").GetString()!,
            table => (Daily: table.GetProperty("currentOf").GetString()!, Key: table.GetProperty("key").EnumerateArray().Select(k => k.GetString()!).ToList()));
        Assert.Equal(CurrentTables.All.Order(StringComparer.Ordinal), declared.Keys.Order(StringComparer.Ordinal));
        foreach (var table in CurrentTables.All)
        {
            Assert.Equal(declared[table].Daily, CurrentTables.Sources[table].Daily);
            Assert.Equal(declared[table].Key, CurrentTables.Sources[table].Key);
        }
    }

    [Fact]
    public void The_listening_history_is_partitioned_by_the_month_the_import_writes()
    {
        var table = Contract.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == TableNames.ListeningHistory);
        Assert.Equal(SpotifyEtl.Import.HistoryPublisher.PartitionColumn, table.GetProperty("partitionColumn").GetProperty("name").GetString());
        Assert.Equal("month", table.GetProperty("partitionColumn").GetProperty("unit").GetString());
    }

    /// <summary>
    /// A column's comment is what an analyst reads of it in Athena's console and in Glue: a time's form it names
    /// (<c>yyyy-MM-ddTHH:mm:ss.fffZ</c>) is the form of every value the tables hold, so that times compare as the comment
    /// says. Read from the tables a demo run writes (every daily table, the history, the current-state tables).
    /// </summary>
    [Fact]
    public void Every_time_a_column_holds_has_the_form_its_comment_gives()
    {
        using var folder = new TempFolder();
        var lake = folder["lake"];
        var demo = Cli.DemoCommandTests.RunCli("demo", "--lake", lake);
        Assert.True(demo.ExitCode == 0, demo.Errors);
        using var database = SpotifyEtl.Cli.Queries.LakeDatabase.Open(lake);

        var columns = new List<string>();
        foreach (var table in Contract.GetProperty("tables").EnumerateArray())
        {
            var name = table.GetProperty("name").GetString()!;
            foreach (var column in table.GetProperty("columns").EnumerateArray())
            {
                var form = System.Text.RegularExpressions.Regex.Match(column.GetProperty("comment").GetString()!, @"yyyy-MM-dd[yMdHmsfTZ:.]*");
                if (!form.Success)
                {
                    continue;
                }
                var pattern = "^" + System.Text.RegularExpressions.Regex.Escape(form.Value).Replace("yyyy", @"\d{4}", StringComparison.Ordinal)
                    .Replace("MM", @"\d{2}", StringComparison.Ordinal).Replace("dd", @"\d{2}", StringComparison.Ordinal)
                    .Replace("HH", @"\d{2}", StringComparison.Ordinal).Replace("mm", @"\d{2}", StringComparison.Ordinal)
                    .Replace("ss", @"\d{2}", StringComparison.Ordinal).Replace("fff", @"\d{3}", StringComparison.Ordinal) + "$";
                var field = column.GetProperty("name").GetString()!;
                var (_, values) = database.Read($"SELECT DISTINCT {field} FROM {name} WHERE {field} <> ''", name);
                Assert.True(values.Count > 0, $"{name}.{field}: the demo's tables hold no value to check");
                Assert.All(values, value => Assert.True(System.Text.RegularExpressions.Regex.IsMatch(value[0]!, pattern),
                    $"{name}.{field} holds {value[0]}, where its comment gives the form {form.Value}"));
                columns.Add($"{name}.{field}");
            }
        }
        Assert.Contains("plays.played_at", columns);
        Assert.Contains("listening_history.ended_at", columns);
    }

    private static string GlueType(ColumnType type) => type switch
    {
        ColumnType.WholeNumber => "int",
        ColumnType.Boolean => "boolean",
        _ => "string",
    };
}
