using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>The views spotify-etl's in-process DuckDB builds over a local lake read it as Athena reads the Glue tables.</summary>
public sealed class LakeDatabaseTests : IDisposable
{
    internal static string FixtureLake => Path.Combine(RepositoryPaths.Root, "tests", "infra", "fixtures", "lake");

    /// <summary>
    /// Copies the fixture's CSV lake (every table, the listening history and the current-state tables) into
    /// <paramref name="lake"/>, for a test that damages or replaces its files; returns <paramref name="lake"/>.
    /// </summary>
    internal static string CopyOfFixtureLake(string lake)
    {
        foreach (var file in Directory.EnumerateFiles(FixtureLake, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(lake, Path.GetRelativePath(FixtureLake, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return lake;
    }

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Every_view_has_the_contracts_columns_in_order_typed_as_declared_plus_its_partition_column()
    {
        using var database = LakeDatabase.Open(FixtureLake);
        foreach (var (table, columns) in TableNames.Columns)
        {
            var (_, rows) = database.Read($"SELECT column_name, column_type FROM (DESCRIBE {table})", table);
            var expected = columns.Select(c => new[] { c.Name, c.Type switch { ColumnType.WholeNumber => "INTEGER", ColumnType.Boolean => "BOOLEAN", _ => "VARCHAR" } })
                .Append([table == TableNames.ListeningHistory ? "ended_month" : "snapshot_date", "VARCHAR"]);
            Assert.Equal(expected.Select(e => string.Join(' ', e)), rows.Select(r => $"{r[0]} {r[1]}"));
        }
    }

    [Fact]
    public void Values_keep_their_types_and_an_empty_text_field_is_empty_not_null_as_in_Athena()
    {
        using var database = LakeDatabase.Open(FixtureLake);
        var typed = database.Read("SELECT explicit, popularity, duration_ms FROM songs WHERE song_id = 'song_saycheese' AND snapshot_date = '2026-11-20'", "typed").Rows.Single();
        Assert.Equal(["true", null, "181500"], typed);
        var text = database.Read("SELECT isrc FROM songs WHERE song_id = 'song_loveofmylife' AND snapshot_date = '2026-11-20'", "text").Rows.Single();
        Assert.Equal([""], text);
    }

    [Fact]
    public void Quoted_commas_quotes_and_non_Latin_text_come_back_as_single_values_and_the_header_is_not_data()
    {
        using var database = LakeDatabase.Open(FixtureLake);
        var names = database.Read("SELECT album_name FROM albums WHERE snapshot_date = '2026-11-20' ORDER BY album_id", "albums").Rows.Select(r => r[0]);
        Assert.Equal(["Shakira: Bzrp Music Sessions, Vol. 53", "KICK BACK", "A Night at the Opera", "Greatest \"Takes\", Vol. 1"], names);
        Assert.Equal("0", database.Read("SELECT count(*) FROM songs WHERE song_id = 'song_id'", "header").Rows.Single()[0]);
    }

    [Fact]
    public void A_CSV_whose_header_differs_from_the_contract_is_refused_with_the_file_named()
    {
        var folder = Directory.CreateDirectory(_folder["lake/transformed/artists/snapshot_date=2026-11-20"]);
        File.WriteAllText(Path.Combine(folder.FullName, "artists.csv"), "artist_name,artist_id,artist_url\r\nQueen,artist_queen,u\r\n");

        using var database = LakeDatabase.Open(_folder["lake"]);
        var refused = Assert.Throws<LakeException>(() => database.Read("SELECT count(*) FROM artists", "artists"));

        Assert.Matches("artists\\.csv: header 'artist_name,artist_id,artist_url' does not match .*'artist_id,artist_name,artist_url'", refused.Message);
    }

    [Theory]
    [InlineData("listening_history", "ended_month=2026-01", "spotify-etl import")]
    [InlineData("songs", "snapshot_date=2026-11-20", "spotify-etl transform")]
    [InlineData("playlist_entries", "snapshot_date=2026-11-19", "spotify-etl transform")]
    public void A_table_of_both_formats_is_refused_naming_the_command_that_rebuilds_it(string table, string partition, string command)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(FixtureLake, "transformed", table), "*.csv", SearchOption.AllDirectories))
        {
            var copy = _folder["lake/" + Path.GetRelativePath(FixtureLake, file)];
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        File.WriteAllBytes(_folder[$"lake/transformed/{table}/{partition}/{table}.parquet"], [(byte)'P', (byte)'A', (byte)'R', (byte)'1']);

        using var database = LakeDatabase.Open(_folder["lake"]);
        var refused = Assert.Throws<LakeException>(() => database.Read($"SELECT count(*) FROM {table}", table));

        Assert.Contains($"Table '{table}' holds both Parquet and CSV files", refused.Message, StringComparison.Ordinal);
        Assert.Contains(command, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("songs", "snapshot_date=2026-11-20", "the lake keeps no raw object of 2026-11-20 to rebuild it from")]
    [InlineData("listening_history", "ended_month=2026-01", "spotify-etl import")]
    public void A_damaged_table_file_is_refused_naming_the_table_and_what_rewrites_it(string table, string partition, string command)
    {
        var random = new Random(table.Length);
        foreach (var length in new[] { 0, 3, 12, 200 })
        {
            var file = _folder[$"lake{length}/transformed/{table}/{partition}/{table}.parquet"];
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var bytes = new byte[length];
            random.NextBytes(bytes);
            File.WriteAllBytes(file, bytes);

            using var database = LakeDatabase.Open(_folder[$"lake{length}"]);
            var refused = Assert.Throws<LakeException>(() => database.Read($"SELECT count(*) FROM {table}", table));

            Assert.StartsWith($"Table '{table}' cannot be read: ", refused.Message, StringComparison.Ordinal);
            Assert.Contains(command, refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_table_without_files_is_an_empty_view_and_every_query_answers_nothing()
    {
        Directory.CreateDirectory(_folder["lake/transformed/plays"]);
        using var database = LakeDatabase.Open(_folder["lake"]);

        foreach (var query in NamedQueries.All)
        {
            var result = database.Run(query);
            Assert.True(result.Rows.Count == 0, $"{query.Name} answers nothing on an empty lake");
            Assert.NotEmpty(result.Columns);
        }
        Assert.Equal(["played_at", "song_id", "context_type", "context_uri", "snapshot_date"],
            database.Read("SELECT column_name FROM (DESCRIBE plays)", "plays").Rows.Select(r => r[0]));
    }

    [Fact]
    public void A_lake_of_fewer_table_bytes_than_the_bound_is_answered_on_one_thread_and_one_of_the_bound_or_more_as_DuckDB_chooses()
    {
        var lake = CopyOfFixtureLake(_folder["lake"]);
        var tables = Directory.EnumerateFiles(Path.Combine(lake, "transformed"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        using var plain = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        plain.Open();
        using var setting = plain.CreateCommand();
        setting.CommandText = "SELECT current_setting('threads')";
        var duckDbDefault = Convert.ToInt32(setting.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        int plays;
        using (var fixture = LakeDatabase.Open(lake))
        {
            plays = int.Parse(fixture.Read("SELECT count(*) FROM plays", "plays").Rows.Single()[0]!, System.Globalization.CultureInfo.InvariantCulture);
            ReadEveryTable(fixture);
            Assert.Equal(1, fixture.Threads);
        }
        var padding = _folder["lake/transformed/plays/snapshot_date=2026-10-01/plays.csv"];
        Directory.CreateDirectory(Path.GetDirectoryName(padding)!);

        foreach (var (total, threads) in new[] { (LakeDatabase.OneThreadBelowBytes - 1, 1), (LakeDatabase.OneThreadBelowBytes, duckDbDefault) })
        {
            var rows = WritePlaysCsv(padding, total - tables);
            using var database = LakeDatabase.Open(lake);
            ReadEveryTable(database);

            Assert.Equal(threads, database.Threads);
            Assert.Equal((plays + rows).ToString(System.Globalization.CultureInfo.InvariantCulture), database.Read("SELECT count(*) FROM plays", "plays").Rows.Single()[0]);
        }
    }

    /// <summary>Reads every table's view: the threads are chosen by the tables a database's queries read.</summary>
    private static void ReadEveryTable(LakeDatabase database)
    {
        foreach (var table in TableNames.Columns.Keys.Concat(CurrentTables.Columns.Keys))
        {
            database.Read($"SELECT count(*) FROM {table}", table);
        }
    }

    [Fact]
    public void The_table_bytes_are_added_up_file_by_file_until_they_reach_the_bound_and_no_file_is_looked_at_after()
    {
        var small = _folder["small.csv"];
        var large = _folder["large.csv"];
        File.WriteAllBytes(small, new byte[1000]);
        File.WriteAllBytes(large, new byte[LakeDatabase.OneThreadBelowBytes - 1500]);
        var looked = new List<string>();
        IEnumerable<string> Listed(params string[] files)
        {
            foreach (var file in files)
            {
                looked.Add(file);
                yield return file;
            }
        }

        Assert.Equal(2000 + LakeDatabase.OneThreadBelowBytes - 1500, LakeDatabase.AddSizes(0, Listed(small, small, large, small, small)));
        Assert.Equal([small, small, large], looked);
        looked.Clear();
        // A file gone since its listing counts nothing; the sum goes on past it.
        Assert.Equal(499 + 2000, LakeDatabase.AddSizes(499, Listed(_folder["gone.csv"], small, small)));
        Assert.Equal(3, looked.Count);
    }

    /// <summary>Writes a plays CSV of exactly <paramref name="bytes"/> bytes (a few hundred at least); returns its rows.</summary>
    private static int WritePlaysCsv(string file, long bytes)
    {
        const string header = "played_at,song_id,context_type,context_uri\n", row = "2026-10-01T00:00:00Z,song_pad,,\n";
        var rows = (int)((bytes - header.Length) / row.Length);
        var csv = new System.Text.StringBuilder(header, (int)bytes);
        csv.Insert(csv.Length, row, rows - 1).Append(row[..^3]).Append('x', (int)((bytes - header.Length) % row.Length)).Append(",,\n");
        File.WriteAllText(file, csv.ToString());
        Assert.Equal(bytes, new FileInfo(file).Length);
        return rows;
    }

    [Fact]
    public void The_tool_carries_every_query_file_of_the_repository_and_nothing_else()
    {
        var files = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "queries"), "*.sql").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);

        Assert.Equal(files, NamedQueries.All.Select(q => q.Name));
        Assert.All(NamedQueries.All, q => Assert.EndsWith("?", q.Question, StringComparison.Ordinal));
    }
}
