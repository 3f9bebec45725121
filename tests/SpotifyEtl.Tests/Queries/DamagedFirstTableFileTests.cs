using System.Text.Json;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// The file a table's view is made from, damaged: the first of a daily table's partitions, or the one file of a
/// current-state table. DuckDB reads it when the view is made, before any query; the questions that do not read the
/// table still answer, as for any other damaged file, and the command exits 65 naming it once.
/// </summary>
public sealed class DamagedFirstTableFileTests(DamagedFirstTableFileTests.Lakes lakes) : IClassFixture<DamagedFirstTableFileTests.Lakes>, IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// The whole lakes the cases damage copies of, each made once for the class, with its answers to every question: the
    /// cases differ in what they damage, not in the lake.
    /// </summary>
    public sealed class Lakes : IDisposable
    {
        private readonly TempFolder _folder = new();
        private readonly Dictionary<string, (string Lake, string Answers)> _made = new(StringComparer.Ordinal);

        /// <summary>A lake of three sampled days transformed in <paramref name="format"/>.</summary>
        public (string Lake, string Answers) Transformed(string format) => Made($"transformed-{format}", lake =>
        {
            var made = DemoCommandTests.RunCli("sample", "--out", lake, "--days", "3", "--items", "30", "--seed", "7");
            Assert.True(made.ExitCode == 0, made.Errors);
            var transformed = DemoCommandTests.RunCli("transform", "--lake", lake, "--format", format);
            Assert.True(transformed.ExitCode == 0, transformed.Errors);
        });

        /// <summary>A CSV lake as <c>demo</c> makes it: three sampled days and the sample's data export, imported.</summary>
        public (string Lake, string Answers) Demo() => Made("demo-csv", lake =>
        {
            var demo = DemoCommandTests.RunCli("demo", "--lake", lake, "--days", "3", "--items", "30", "--seed", "3", "--format", "csv");
            Assert.True(demo.ExitCode == 0, demo.Errors);
        });

        private (string Lake, string Answers) Made(string name, Action<string> make)
        {
            lock (_made)
            {
                if (!_made.TryGetValue(name, out var made))
                {
                    var lake = _folder[name];
                    make(lake);
                    var answers = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
                    Assert.True(answers.ExitCode == 0, answers.Errors);
                    _made[name] = made = (lake, answers.Output);
                }
                return made;
            }
        }

        public void Dispose() => _folder.Dispose();
    }

    /// <summary>A copy of one of the class's whole lakes, for a case to damage, and its answers to every question.</summary>
    private (string Lake, string Answers) Copy((string Lake, string Answers) whole, string name)
    {
        var lake = _folder[name];
        TempFolder.CopyTree(whole.Lake, lake);
        return (lake, whole.Answers);
    }

    private string Lake(string format) => Copy(lakes.Transformed(format), format).Lake;

    /// <summary>The queries that answered (a query a damaged file left without an answer is there with its error, and rows null).</summary>
    private static Dictionary<string, string> Answers(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateArray().Where(a => a.GetProperty("error").ValueKind == JsonValueKind.Null)
            .ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetRawText());

    public static TheoryData<string, string, int> Damages() => new()
    {
        { "parquet", "songs_current", 1 },
        { "parquet", "artists_current", 2 },
        { "parquet", "plays", 3 },
        { "parquet", "top_items", 4 },
        { "csv", "songs_current", 5 },
        { "csv", "playlists_current", 6 },
        { "csv", "plays", 7 },
        { "csv", "saved_tracks", 8 },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void The_questions_that_do_not_read_a_table_whose_first_file_is_damaged_still_answer_and_the_command_exits_65(string format, string table, int seed)
    {
        var (lake, answers) = Copy(lakes.Transformed(format), format);
        var healthy = Answers(answers);
        var file = Directory.EnumerateFiles(Path.Combine(lake, "transformed", table), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        // DuckDB reads a CSV file's rows only when a query does, and its header (checked against the contract) when the
        // view is made: a CSV table's first file is damaged there, in its header.
        var how = format == "csv" ? MisnameFirstColumn(file) : DamagedTableFileTests.Damage(file, new Random(seed));

        var run = DemoCommandTests.RunCli("query", "--lake", lake, "--json");

        Assert.True(run.ExitCode == 65, $"{how}: exit {run.ExitCode}, {run.Errors}");
        var answered = Answers(run.Output);
        var reading = NamedQueries.All.Where(q => DamagedCsvTableTests.Reads(q, table)).Select(q => q.Name).ToHashSet();
        Assert.NotEmpty(reading);
        Assert.Equal(healthy.Keys.Where(name => !reading.Contains(name)).Order(), answered.Keys.Order());
        Assert.All(answered, answer => Assert.Equal(healthy[answer.Key], answer.Value));
        Assert.StartsWith("spotify-etl: ", run.Errors, StringComparison.Ordinal);
        Assert.Single(run.Errors.TrimEnd().Split('\n'), line => line.Contains($"table '{table}'", StringComparison.OrdinalIgnoreCase));

        var page = _folder["report.html"];
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", page);
        Assert.Equal(65, report.ExitCode);
        Assert.Contains($"The report is written to {page}", report.Errors, StringComparison.Ordinal);
    }

    public static TheoryData<string, int> CsvHeaders() => new()
    {
        { "listening_history", 1 }, { "listening_history", 2 }, { "plays", 3 }, { "songs", 4 }, { "playlist_entries", 5 },
        { "song_artists", 6 }, { "songs_current", 7 }, { "artists_current", 8 },
    };

    /// <summary>
    /// A CSV file of any table whose header is not the table's (the file emptied, columns swapped, one misnamed, a line
    /// before it) is named with the command that writes the table again, and running that command mends the lake.
    /// </summary>
    [Theory]
    [MemberData(nameof(CsvHeaders))]
    public void A_csv_file_whose_header_is_not_its_tables_names_the_command_that_writes_it_again_and_that_command_mends_the_lake(string table, int seed)
    {
        var (lake, healthy) = Copy(lakes.Demo(), "lake");
        var random = new Random(seed);
        var files = Directory.GetFiles(Path.Combine(lake, "transformed", table), "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var file = files[random.Next(files.Count)];
        var lines = File.ReadAllLines(file);
        var columns = lines[0].Split(',');
        (columns[0], columns[^1]) = (columns[^1], columns[0]);
        var damage = random.Next(4);
        File.WriteAllText(file, damage switch
        {
            0 => "",
            1 => string.Join('\n', [string.Join(',', columns), .. lines[1..]]) + "\n",
            2 => string.Join('\n', [lines[0].Replace(columns[1], columns[1] + "_x", StringComparison.Ordinal), .. lines[1..]]) + "\n",
            _ => string.Join('\n', ["exported by a spreadsheet", .. lines]) + "\n",
        });

        var damaged = DemoCommandTests.RunCli("query", "--lake", lake, "--json");

        Assert.True(damaged.ExitCode == 65, $"damage {damage}: exit {damaged.ExitCode}, {damaged.Errors}");
        Assert.Contains(file, damaged.Errors, StringComparison.Ordinal);
        Assert.Contains(damage == 0 ? "is empty, with no header" : "does not match the columns", damaged.Errors, StringComparison.Ordinal);
        var told = System.Text.RegularExpressions.Regex.Match(damaged.Errors, @"Write it again: [^\n]*?spotify-etl (?<args>[^()\n]*?--lake \S+?)(?=[),]|\s*$)",
            System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(told.Success, damaged.Errors);
        var mend = DemoCommandTests.RunCli(told.Groups["args"].Value.Split(' '));
        Assert.True(mend.ExitCode is 0 or 3, $"{told.Value}: exit {mend.ExitCode}, {mend.Errors}");

        var mended = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        Assert.True(mended.ExitCode == 0, $"after '{told.Groups["args"].Value}': {mended.Errors}");
        Assert.Equal(healthy, mended.Output);
    }

    /// <summary>
    /// The same damage to listening_history while the lake's last import is unfinished: the lake's copies of the export hold
    /// only the files that landed before it stopped, so the export itself is named, not the copies, whose import would end
    /// the unfinished-import warning with months missing.
    /// </summary>
    [Fact]
    public void A_damaged_listening_history_file_after_an_import_that_stopped_names_the_export_not_the_lakes_copies()
    {
        var (lake, _) = Copy(lakes.Demo(), "lake");
        File.WriteAllText(Path.Combine(lake, "state", "unfinished-import.txt"), "2026-11-20T06:00:00Z\n");
        File.WriteAllText(Directory.GetFiles(Path.Combine(lake, "transformed", "listening_history"), "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First(), "");

        var run = DemoCommandTests.RunCli("query", "--lake", lake);

        Assert.Equal(65, run.ExitCode);
        Assert.Contains($"Write it again: import the data export again (spotify-etl import EXPORT --lake {lake})", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("import the export's copy the lake keeps", run.Errors, StringComparison.Ordinal);
    }

    private static string MisnameFirstColumn(string file)
    {
        var lines = File.ReadAllLines(file);
        lines[0] = "x" + lines[0];
        File.WriteAllLines(file, lines);
        return "its header's first column misnamed";
    }

    [Theory]
    [InlineData("songs_current", "song_name", "songname")]
    [InlineData("albums_current", "album_id", "id")]
    public void A_current_state_csv_whose_header_differs_names_the_command_that_rebuilds_it_and_the_other_questions_answer(string table, string column, string misnamed)
    {
        var lake = Lake("csv");
        var file = Path.Combine(lake, "transformed", table, $"{table}.csv");
        var lines = File.ReadAllLines(file);
        lines[0] = lines[0].Replace(column, misnamed, StringComparison.Ordinal);
        File.WriteAllLines(file, lines);

        var run = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "listening_clock");
        Assert.True(run.ExitCode == 0, run.Errors);

        var all = DemoCommandTests.RunCli("query", "--lake", lake);
        Assert.Equal(65, all.ExitCode);
        Assert.Contains($"does not match the columns of table '{table}'", all.Errors, StringComparison.Ordinal);
        Assert.Contains("spotify-etl current", all.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("transform the day again", all.Errors, StringComparison.Ordinal);
    }
}
