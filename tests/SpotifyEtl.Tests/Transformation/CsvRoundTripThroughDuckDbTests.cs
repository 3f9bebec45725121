using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>What an analyst reads back: the lake's CSV through DuckDB, read as the query runner reads it.</summary>
public sealed class CsvRoundTripThroughDuckDbTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string ReadCsv(string path) =>
        $"read_csv('{path.Replace("'", "''", StringComparison.Ordinal)}', header = true, quote = '\"', escape = '\"', auto_detect = true)";

    [Fact]
    public async Task Names_with_commas_quotes_line_breaks_and_non_Latin_text_survive_a_round_trip()
    {
        string[] names =
        [
            "Shakira: Bzrp Music Sessions, Vol. 53",
            "\"Heroes\" (2017 Remaster)",
            "Intro\r\n(Live at the Roundhouse)",
            "夜に駆ける",
            "Группа крови, \"live\"",
            " leading and trailing spaces ",
        ];
        var lake = new LocalFolderStore(_folder.Path);
        var album = Album("alb1", "Album, \"the\" one", "1999-12", "month");
        var tracks = names.Select((name, i) => Track($"t{i}", name, album, Artist($"a{i}", name))).ToArray();
        var key = new RawObjectKey(RawSource.TopTracks, new DateOnly(2026, 11, 20), "short_term", "20261120T060000Z", 1).ToString();
        await lake.PutTextAsync(key, Page(0, tracks), "application/json");

        await new TransformPipeline(lake, lake, new TransformOptions { Format = TableFormat.Csv }).TransformAsync([key]);

        using var duck = new DuckDb();
        var songs = duck.Query($"SELECT song_id, song_name FROM {ReadCsv(_folder[TableFormat.Csv.PartitionKey(TableNames.Songs, new DateOnly(2026, 11, 20))])} ORDER BY song_id");
        var expected = names.Select(name => AthenaValues.Text(name)).ToArray();
        Assert.Equal(expected, songs.Rows.Select(row => row[1]));
        Assert.Equal("Intro (Live at the Roundhouse)", songs.Rows[2][1]);
        var albums = duck.Query($"SELECT album_name, release_date, release_year FROM {ReadCsv(_folder[TableFormat.Csv.PartitionKey(TableNames.Albums, new DateOnly(2026, 11, 20))])}");
        Assert.Equal("Album, \"the\" one|1999-12-01|1999", string.Join('|', Assert.Single(albums.Rows)));
    }

    [Fact]
    public async Task DuckDB_reads_numbers_as_numbers_booleans_as_booleans_and_empty_fields_as_null()
    {
        var lake = new LocalFolderStore(_folder.Path);
        var key = new RawObjectKey(RawSource.TopTracks, new DateOnly(2026, 11, 20), "short_term", "20261120T060000Z", 1).ToString();
        await lake.PutTextAsync(key, Page(0, Track("t1", "Song", Album("alb1", "A", "2001", "year"), Artist("a1", "A"))), "application/json");

        await new TransformPipeline(lake, lake, new TransformOptions { Format = TableFormat.Csv }).TransformAsync([key]);

        using var duck = new DuckDb();
        var path = _folder[TableFormat.Csv.PartitionKey(TableNames.Songs, new DateOnly(2026, 11, 20))];
        var types = duck.Query($"SELECT typeof(duration_ms), typeof(explicit), popularity IS NULL, duration_ms + 1 FROM {ReadCsv(path)}");
        Assert.Equal("BIGINT|BOOLEAN|true|200001", string.Join('|', Assert.Single(types.Rows)));
    }
}
