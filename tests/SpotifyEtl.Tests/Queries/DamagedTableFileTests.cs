using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// A table file past the first of its table that is damaged: DuckDB checks only a view's first file when the view is
/// made, so the damage shows when a query reads the file. query, report and current name the table, the file and the
/// command that writes it again, and exit 65; none of them calls it an unexpected error. Damage is generated: files
/// cut short anywhere, bytes overwritten, CSV rows cut or left with an open quote, a word where a number belongs.
/// </summary>
public sealed class DamagedTableFileTests : IDisposable
{
    private static readonly string[] Daily = ["songs", "albums", "artists", "song_artists", "playlists", "playlist_entries", "plays", "saved_tracks", "top_items"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A lake of three days in <paramref name="format"/>: the fixture's CSV lake, or one the tool makes in Parquet.</summary>
    private string Lake(string format)
    {
        var lake = _folder[format];
        if (format == "csv")
        {
            return LakeDatabaseTests.CopyOfFixtureLake(lake);
        }
        var made = DemoCommandTests.RunCli("sample", "--out", lake, "--days", "3", "--items", "30", "--seed", "7");
        Assert.True(made.ExitCode == 0, made.Errors);
        var transformed = DemoCommandTests.RunCli("transform", "--lake", lake);
        Assert.True(transformed.ExitCode == 0, transformed.Errors);
        return lake;
    }

    /// <summary>The second of a table's partition files, in name order: never the one its view is made from.</summary>
    private static string SecondFile(string lake, string table) =>
        Directory.EnumerateFiles(Path.Combine(lake, "transformed", table), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Skip(1).First();

    /// <summary>Damages a table file in one of the ways <paramref name="random"/> picks for its format; returns how.</summary>
    internal static string Damage(string file, Random random)
    {
        var bytes = File.ReadAllBytes(file);
        if (file.EndsWith(".parquet", StringComparison.Ordinal))
        {
            if (random.Next(2) == 0)
            {
                File.WriteAllBytes(file, bytes[..random.Next(0, bytes.Length - 1)]);
                return "cut short";
            }
            // The footer (its length and magic) overwritten with noise.
            var noise = new byte[Math.Min(8 + random.Next(64), bytes.Length)];
            random.NextBytes(noise);
            noise.CopyTo(bytes, bytes.Length - noise.Length);
            File.WriteAllBytes(file, bytes);
            return "footer overwritten";
        }
        var lines = File.ReadAllText(file).TrimEnd('\n').Split('\n').ToList();
        var row = 1 + random.Next(lines.Count - 1);
        var fields = lines[row].Split(',');
        if (random.Next(2) == 0 || fields.Length < 3)
        {
            lines[row] = lines[row] + ",\"an open quote";
            File.WriteAllText(file, string.Join('\n', lines) + "\n");
            return "a field with an open quote";
        }
        lines[row] = string.Join(',', fields.Take(1 + random.Next(fields.Length - 2)));
        File.WriteAllText(file, string.Join('\n', lines) + "\n");
        return "a row cut short";
    }

    [Theory]
    [InlineData("csv", 1)]
    [InlineData("csv", 2)]
    [InlineData("parquet", 3)]
    [InlineData("parquet", 4)]
    public void A_query_reading_a_damaged_file_exits_65_naming_the_table_the_file_and_the_command_that_rewrites_it(string format, int seed)
    {
        var lake = Lake(format);
        var random = new Random(seed);
        foreach (var table in Daily)
        {
            var file = SecondFile(lake, table);
            var good = File.ReadAllBytes(file);
            var how = Damage(file, random);

            // data_quality reads every daily table.
            var run = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "data_quality");

            var relative = Path.GetRelativePath(lake, file).Replace('\\', '/');
            Assert.True(run.ExitCode == 65, $"{relative}, {how}: exit {run.ExitCode}, {run.Errors}");
            Assert.StartsWith($"spotify-etl: Table '{table}' cannot be read: its file {relative} is damaged (", run.Errors, StringComparison.Ordinal);
            // The fixture's CSV lake holds tables alone, with no raw/ a transform would rebuild them from.
            var day = Path.GetFileName(Path.GetDirectoryName(file))!["snapshot_date=".Length..];
            Assert.Contains(format == "csv" ? $"the lake keeps no raw object of {day} to rebuild it from" : "spotify-etl transform", run.Errors, StringComparison.Ordinal);
            Assert.Single(run.Errors.TrimEnd().Split('\n'));
            File.WriteAllBytes(file, good);
        }
        Assert.Equal(0, DemoCommandTests.RunCli("query", "--lake", lake, "--query", "data_quality").ExitCode);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("parquet")]
    public void The_queries_a_damaged_file_does_not_feed_still_answer_and_the_command_exits_65_naming_it_once(string format)
    {
        var lake = Lake(format);
        var healthy = System.Text.Json.JsonDocument.Parse(DemoCommandTests.RunCli("query", "--lake", lake, "--json").Output).RootElement
            .EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetRawText());
        var file = SecondFile(lake, "plays");
        Damage(file, new Random(5));

        var run = DemoCommandTests.RunCli("query", "--lake", lake, "--json");

        Assert.Equal(65, run.ExitCode);
        var answered = System.Text.Json.JsonDocument.Parse(run.Output).RootElement.EnumerateArray()
            .ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetRawText());
        // Questions of the library and the playlists do not read plays: the same answers as before the damage.
        foreach (var name in new[] { "saved_tracks_per_week", "playlist_top_songs", "top_items_now" })
        {
            Assert.Equal(healthy[name], answered[name]);
        }
        // Those that read plays are not answered from what could be read: each is in its place, its rows null and its error
        // naming the file, so that a script finds the answer missing rather than empty. Every query asked for is there, in order.
        var relative = Path.GetRelativePath(lake, file).Replace('\\', '/');
        Assert.Equal(healthy.Keys, answered.Keys);
        foreach (var name in new[] { "listening_clock", "skip_rate" })
        {
            using var missing = System.Text.Json.JsonDocument.Parse(answered[name]);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, missing.RootElement.GetProperty("rows").ValueKind);
            Assert.Contains(relative, missing.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        Assert.All(answered.Values, answer => Assert.Equal(answer.Contains("\"rows\":null", StringComparison.Ordinal),
            !answer.Contains("\"error\":null", StringComparison.Ordinal)));
        Assert.Single(run.Errors.TrimEnd().Split('\n'), line => line.Contains(relative, StringComparison.Ordinal));
        Assert.StartsWith("spotify-etl: Table 'plays' cannot be read", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void A_word_where_a_number_belongs_in_a_current_state_table_is_named_with_its_column()
    {
        var lake = Lake("csv");
        var file = Path.Combine(lake, "transformed", "songs_current", "songs_current.csv");
        var lines = File.ReadAllLines(file);
        var fields = lines[1].Split(',');
        Assert.Equal("duration_ms", lines[0].Split(',')[2]);
        Assert.Matches("^[0-9]+$", fields[2]);
        fields[2] = "abc";
        lines[1] = string.Join(',', fields);
        File.WriteAllLines(file, lines);

        var run = DemoCommandTests.RunCli("query", "--lake", lake);

        Assert.Equal(65, run.ExitCode);
        Assert.Contains("Table 'songs_current' cannot be read: its file transformed/songs_current/songs_current.csv is damaged", run.Errors, StringComparison.Ordinal);
        Assert.Contains("(line 2: duration_ms holds 'abc', not a whole number)", run.Errors, StringComparison.Ordinal);
        Assert.Contains("spotify-etl current", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("auto-detected", run.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("parquet")]
    public void The_report_is_written_without_the_sections_a_damaged_file_feeds_and_the_command_exits_65(string format)
    {
        var lake = Lake(format);
        var file = SecondFile(lake, "songs");
        Damage(file, new Random(5));
        var page = _folder[$"{format}-report.html"];

        var run = DemoCommandTests.RunCli("report", "--lake", lake, "--out", page);

        Assert.Equal(65, run.ExitCode);
        Assert.Contains($"The report is written to {page}", run.Errors, StringComparison.Ordinal);
        Assert.Contains("its file transformed/songs/", run.Errors, StringComparison.Ordinal);
        var html = File.ReadAllText(page);
        Assert.Contains("is damaged", html, StringComparison.Ordinal);
        // The row counts could not be read, which is no lake without a snapshot: the panel dates the lake by its plays.
        Assert.DoesNotContain("nothing extracted and transformed yet", html, StringComparison.Ordinal);
        Assert.Matches("data-metric=\"latest-snapshot\">\\d{4}-\\d{2}-\\d{2}</b>latest snapshot \\(the tables' row counts could not be read", html);
        // stdout still names the page, as it does for a report of a whole lake: a script finds it there.
        Assert.Equal($"Report: {page}", run.Output.Trim());
        var json = DemoCommandTests.RunCli("report", "--lake", lake, "--out", page, "--json");
        Assert.Equal(65, json.ExitCode);
        using var document = System.Text.Json.JsonDocument.Parse(json.Output);
        Assert.Equal(page, document.RootElement.GetProperty("report").GetString());
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("parquet")]
    public void Current_refuses_a_damaged_partition_with_exit_65_and_rewrites_a_damaged_current_state_table(string format)
    {
        var lake = Lake(format);
        var random = new Random(format.Length);
        var partition = SecondFile(lake, "albums");
        var good = File.ReadAllBytes(partition);
        Damage(partition, random);

        var refused = DemoCommandTests.RunCli("current", "--lake", lake);

        Assert.Equal(65, refused.ExitCode);
        Assert.StartsWith("spotify-etl: Table 'albums' cannot be read: its file transformed/albums/", refused.Errors, StringComparison.Ordinal);

        // The current-state tables are what current writes: a damaged one is no reason to refuse.
        File.WriteAllBytes(partition, good);
        var current = Directory.EnumerateFiles(Path.Combine(lake, "transformed", "songs_current")).Single();
        var written = File.ReadAllBytes(current);
        Damage(current, random);

        var rebuilt = DemoCommandTests.RunCli("current", "--lake", lake);

        Assert.True(rebuilt.ExitCode == 0, rebuilt.Errors);
        Assert.Equal(written, File.ReadAllBytes(current));
    }

    [Fact]
    public void A_cache_folder_DuckDB_cannot_be_unpacked_into_is_named_with_the_setting_that_moves_it()
    {
        var notAFolder = _folder["cache-is-a-file"];
        File.WriteAllText(notAFolder, "");
        using var library = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(library, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write("not really a library"u8);
        }
        library.Position = 0;

        var refused = Assert.Throws<CliException>(() => DuckDbNativeLibrary.Unpack(library, notAFolder));

        Assert.Equal(ExitCodes.IoError, refused.ExitCode);
        Assert.Contains(Path.Combine(notAFolder, "spotify-etl"), refused.Message, StringComparison.Ordinal);
        Assert.Contains($"{notAFolder} is a file, not a folder. Set XDG_CACHE_HOME to a folder of your own.", refused.Message, StringComparison.Ordinal);

        library.Position = 0;
        var unpacked = DuckDbNativeLibrary.Unpack(library, _folder["cache"]);
        Assert.Equal("not really a library", File.ReadAllText(unpacked));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(unpacked)!, "*.tmp"));
    }
}
