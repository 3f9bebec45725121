using Parquet;
using Parquet.Schema;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Tests.Transformation;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Current;

/// <summary>
/// A Parquet lake whose earlier days an earlier version wrote: without a day digest, and with partitions
/// written by Parquet.Net (as versions before the lake's own writer did: dictionary pages, another
/// layout of the same columns). After a transform of new days the current-state tables are those
/// 'spotify-etl current' rebuilds from every day's partitions, byte for byte.
/// </summary>
public sealed class EarlierParquetWriterTests : RawTestLake
{
    [Theory]
    [InlineData(51)]
    [InlineData(52)]
    public async Task Days_in_Parquet_an_earlier_writer_wrote_are_read_into_the_current_tables(int seed)
    {
        await new SampleGenerator(Lake).WriteAsync(new SampleOptions(Days: 10, Items: 20, Seed: seed));
        var days = await CurrentTablesTests.DaysAsync(Lake);
        var random = new Random(seed);
        var order = days.Keys.OrderBy(_ => random.Next()).ToList();
        var earlier = order.Take(6).ToList();
        var parquet = new TransformOptions { Format = TableFormat.Parquet };
        await new TransformPipeline(Lake, Lake, parquet).TransformAsync(earlier.SelectMany(d => days[d]));
        var aged = await EarlierVersionLakes.AgeAsync(Lake, earlier, random);
        foreach (var day in aged)
        {
            foreach (var (daily, _) in CurrentTables.Sources.Values)
            {
                var path = Folder[TableFormat.Parquet.PartitionKey(daily, day)];
                if (File.Exists(path))
                {
                    await RewriteWithParquetNetAsync(path);
                }
            }
        }

        await new TransformPipeline(Lake, Lake, parquet).TransformAsync(order.Skip(earlier.Count).SelectMany(d => days[d]));

        using var rebuilt = new TempFolder();
        TempFolder.CopyTree(Folder.Path, rebuilt.Path);
        await CurrentCommand.RebuildAsync(new DirectoryInfo(rebuilt.Path), TableFormat.Parquet, CancellationToken.None);
        foreach (var table in CurrentTables.All)
        {
            var key = TableFormat.Parquet.FileKey(table);
            Assert.True(File.ReadAllBytes(Folder[key]).SequenceEqual(File.ReadAllBytes(Path.Combine(rebuilt.Path, key))),
                $"{table} differs from the table rebuilt from every day's partitions (days written by Parquet.Net without a digest: {string.Join(", ", aged.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))})");
        }
    }

    /// <summary>The same rows written again by Parquet.Net with its defaults.</summary>
    private static async Task RewriteWithParquetNetAsync(string path)
    {
        var fields = new List<DataField>();
        var columns = new List<List<object?>>();
        await using (var reader = await ParquetReader.CreateAsync(new MemoryStream(await File.ReadAllBytesAsync(path))))
        {
            foreach (var field in reader.Schema.GetDataFields())
            {
                fields.Add(new DataField(field.Name, field.ClrType, isNullable: true));
                columns.Add([]);
            }
            var read = reader.Schema.GetDataFields();
            for (var group = 0; group < reader.RowGroupCount; group++)
            {
                using var rowGroup = reader.OpenRowGroupReader(group);
                var count = (int)rowGroup.RowCount;
                for (var i = 0; i < read.Length; i++)
                {
                    if (read[i].ClrType == typeof(int))
                    {
                        var values = new int?[count];
                        await rowGroup.ReadAsync<int>(read[i], values.AsMemory());
                        columns[i].AddRange(values.Cast<object?>());
                    }
                    else if (read[i].ClrType == typeof(bool))
                    {
                        var values = new bool?[count];
                        await rowGroup.ReadAsync<bool>(read[i], values.AsMemory());
                        columns[i].AddRange(values.Cast<object?>());
                    }
                    else
                    {
                        var values = new string?[count];
                        await rowGroup.ReadAsync(read[i], values.AsMemory()!);
                        columns[i].AddRange(values);
                    }
                }
            }
        }
        var before = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        await using (var output = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), output);
            using var rowGroup = writer.CreateRowGroup();
            for (var i = 0; i < fields.Count; i++)
            {
                if (fields[i].ClrType == typeof(int))
                {
                    await rowGroup.WriteAsync<int>(fields[i], columns[i].Cast<int?>().ToArray().AsMemory());
                }
                else if (fields[i].ClrType == typeof(bool))
                {
                    await rowGroup.WriteAsync<bool>(fields[i], columns[i].Cast<bool?>().ToArray().AsMemory());
                }
                else
                {
                    await rowGroup.WriteAsync(fields[i], columns[i].Cast<string>().ToList());
                }
            }
        }
        var after = await File.ReadAllBytesAsync(path);
        Assert.False(before.SequenceEqual(after), $"Parquet.Net wrote {path} as the lake's writer does");
    }

}
