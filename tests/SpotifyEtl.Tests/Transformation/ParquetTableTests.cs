using Parquet;
using Parquet.Schema;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation.Parquet;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// The lake's Parquet files, read back by two independent readers: Parquet.Net, and DuckDB (the
/// engine of the local queries, whose reader follows the format as Athena's does).
/// </summary>
public sealed class ParquetTableTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private sealed record Sample(string? Text, int? Number, bool? Flag) : ITableRow<Sample>
    {
        public static string Table => "sample";

        public static IReadOnlyList<TableColumn<Sample>> Schema { get; } =
        [
            // The text exactly as given, not as the tables clean it: the writer must carry any text.
            new TableColumn<Sample>("text", ColumnType.Text, r => r.Text, null, null),
            TableColumn<Sample>.Number("number", r => r.Number),
            TableColumn<Sample>.Boolean("flag", r => r.Flag),
        ];
    }

    private static readonly Sample[] Awkward =
    [
        new("Beyoncé — ☕ 🎧 夜に駆ける", int.MaxValue, true),
        new(null, null, null),
        new("", 0, false),
        new("a \"quoted\", comma\nand a line break", int.MinValue, null),
        new(null, -1, true),
        new("\u0001 control and tab\t", null, false),
    ];

    private static byte[] Bytes(IReadOnlyList<Sample> rows)
    {
        using var buffer = new MemoryStream();
        ParquetTable.Write(buffer, rows);
        return buffer.ToArray();
    }

    private static async Task<List<Sample>> ReadWithParquetNetAsync(byte[] file)
    {
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(file));
        var fields = reader.Schema.GetDataFields();
        Assert.Equal(["text", "number", "flag"], fields.Select(f => f.Name));
        Assert.All(fields, field => Assert.True(field.IsNullable, $"{field.Name} must be nullable"));
        var rows = new List<Sample>();
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            var text = new string?[rowGroup.RowCount];
            var number = new int?[rowGroup.RowCount];
            var flag = new bool?[rowGroup.RowCount];
            await rowGroup.ReadAsync(fields[0], text.AsMemory()!);
            await rowGroup.ReadAsync<int>(fields[1], number.AsMemory());
            await rowGroup.ReadAsync<bool>(fields[2], flag.AsMemory());
            rows.AddRange(text.Select((t, i) => new Sample(t, number[i], flag[i])));
        }
        return rows;
    }

    private static async Task<long> UncompressedSizeOfColumnAsync(byte[] file, int column)
    {
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(file));
        using var rowGroup = reader.OpenRowGroupReader(0);
        return rowGroup.RowGroup.Columns[column].MetaData!.TotalUncompressedSize;
    }

    private List<Sample> ReadWithDuckDb(byte[] file)
    {
        var path = _folder[$"{Guid.NewGuid():N}.parquet"];
        File.WriteAllBytes(path, file);
        using var duck = new DuckDb();
        var types = duck.Query($"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{path}'))").Rows;
        Assert.Equal(["text VARCHAR", "number INTEGER", "flag BOOLEAN"], types.Select(r => $"{r[0]} {r[1]}"));
        return duck.Query($"SELECT text, number, flag FROM read_parquet('{path}')").Rows
            .Select(r => new Sample(r[0], r[1] is null ? null : int.Parse(r[1]!, System.Globalization.CultureInfo.InvariantCulture), r[2] is null ? null : r[2] == "true"))
            .ToList();
    }

    [Fact]
    public async Task Nulls_empty_strings_any_text_and_extreme_numbers_read_back_unchanged()
    {
        var file = Bytes(Awkward);

        Assert.Equal(Awkward, await ReadWithParquetNetAsync(file));
        Assert.Equal(Awkward, ReadWithDuckDb(file));
    }

    [Fact]
    public async Task A_table_larger_than_a_page_reads_back_whole_whatever_its_pattern_of_nulls()
    {
        // About 4 MB of text: several pages per column. Nulls come alone (bit-packed definition levels)
        // in the first half and in long runs (run-length encoded) in the second.
        var rows = Enumerable.Range(0, 80_000).Select(i =>
        {
            var sparse = i < 40_000 ? i % 3 == 0 : i / 1000 % 2 == 0;
            return new Sample(sparse ? null : $"song {i:D6} {new string((char)('a' + i % 26), 40)}", sparse ? null : i, i % 5 == 0 ? null : i % 2 == 0);
        }).ToArray();

        var file = Bytes(rows);

        Assert.True(await UncompressedSizeOfColumnAsync(file, 0) > 2L * ParquetFileWriter.PageSize, "the text column spans several pages");
        Assert.Equal(rows, await ReadWithParquetNetAsync(file));
        Assert.Equal(rows, ReadWithDuckDb(file));
    }

    [Fact]
    public async Task A_table_with_no_rows_is_a_valid_file_with_its_columns()
    {
        var file = Bytes([]);

        Assert.Empty(await ReadWithParquetNetAsync(file));
        Assert.Empty(ReadWithDuckDb(file));
    }

    [Fact]
    public void The_same_rows_give_the_same_bytes_and_other_rows_other_bytes()
    {
        Assert.Equal(Bytes(Awkward), Bytes(Awkward.ToArray()));
        Assert.NotEqual(Bytes(Awkward), Bytes(Awkward.Reverse().ToArray()));
    }

    [Fact]
    public async Task Each_column_chunk_counts_its_nulls_for_readers_that_skip_by_statistics()
    {
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(Bytes(Awkward)));
        using var rowGroup = reader.OpenRowGroupReader(0);

        var nulls = reader.Schema.GetDataFields().Select(field => rowGroup.GetStatistics(field)?.NullCount).ToArray();

        Assert.Equal([2L, 2L, 2L], nulls);
    }

    [Theory]
    [InlineData(1, 40)]
    [InlineData(2, 900)]
    [InlineData(3, 3_000)]
    [InlineData(4, 20_000)]
    public async Task A_file_written_in_two_parts_at_any_column_is_the_file_one_writer_writes(int seed, int rowCount)
    {
        var random = new Random(seed);
        var types = Enumerable.Range(0, random.Next(2, 8)).Select(_ => (ColumnType)random.Next(3)).ToArray();
        // Some texts long enough that a text column of 20,000 rows spans pages (about 90 bytes a row); nulls anywhere.
        var texts = types.Select(_ => Enumerable.Range(0, rowCount)
            .Select(_ => random.Next(6) == 0 ? null : System.Text.Encoding.UTF8.GetBytes(new string((char)random.Next('a', 'z' + 1), random.Next(random.Next(8) == 0 ? 1_200 : 30))))
            .ToArray()).ToArray();
        var numbers = types.Select(_ => Enumerable.Range(0, rowCount).Select(_ => random.Next(5) == 0 ? (int?)null : random.Next(int.MinValue, int.MaxValue)).ToArray()).ToArray();
        var flags = types.Select(_ => Enumerable.Range(0, rowCount).Select(_ => random.Next(4) == 0 ? (bool?)null : random.Next(2) == 0).ToArray()).ToArray();

        void WriteColumns(ParquetFileWriter writer, int from, int to)
        {
            for (var c = from; c < to; c++)
            {
                var column = c;
                switch (types[c])
                {
                    case ColumnType.WholeNumber:
                        writer.WriteInt32s($"c{c}", rowCount, row => numbers[column][row]);
                        break;
                    case ColumnType.Boolean:
                        writer.WriteBooleans($"c{c}", rowCount, row => flags[column][row]);
                        break;
                    default:
                        writer.WriteUtf8($"c{c}", rowCount, (int row, out ReadOnlySpan<byte> value) =>
                        {
                            value = texts[column][row];
                            return texts[column][row] is not null;
                        });
                        break;
                }
            }
        }
        byte[] File(int split)
        {
            using var file = new MemoryStream();
            ParquetFileWriter.WriteColumns(file, rowCount, types.Length, split, restBytes: 0, WriteColumns, "test");
            return file.ToArray();
        }

        var whole = File(types.Length);
        if (rowCount == 20_000 && Array.IndexOf(types, ColumnType.Text) is >= 0 and var text)
        {
            // Read back by Parquet.Net from the file split after its first column.
            Assert.True(await UncompressedSizeOfColumnAsync(File(1), text) > ParquetFileWriter.PageSize, "a text column spans pages");
        }
        for (var split = 1; split < types.Length; split++)
        {
            Assert.Equal(whole, File(split));
        }
    }

    [Fact]
    public void A_large_file_is_split_where_its_two_parts_hold_about_half_the_bytes_and_a_small_one_is_not()
    {
        Assert.Equal(2, ParquetFileWriter.SplitAt([100_000, 200_000, 150_000, 150_000]));
        Assert.Equal(1, ParquetFileWriter.SplitAt([900_000, 5_000, 5_000]));
        Assert.Equal(3, ParquetFileWriter.SplitAt([1_000, 2_000, 3_000]));
        Assert.Equal(1, ParquetFileWriter.SplitAt([5_000_000]));
    }
}
