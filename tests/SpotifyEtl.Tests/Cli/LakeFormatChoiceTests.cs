using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The format of a lake that holds files of both (older days in one, newer in the other; a history an older import wrote
/// in the other): taken from the newest file of each table the transform writes, whatever order the file system lists
/// them in; when those disagree the lake holds both, and a command without --format is refused rather than guess.
/// </summary>
public sealed class LakeFormatChoiceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static readonly string[] Written = [.. TableNames.Published, .. CurrentTables.All];

    private static TableFormat Other(TableFormat format) => format == TableFormat.Csv ? TableFormat.Parquet : TableFormat.Csv;

    /// <summary>
    /// A lake of some tables over some days: each table's newest day (a current-state table's one file) in
    /// <paramref name="newest"/>, its older days in either format, and a listening history in either.
    /// </summary>
    private DirectoryInfo Lake(Random random, string name, TableFormat newest, out List<string> tables, out DateOnly last)
    {
        var lake = _folder[name];
        tables = Written.Where(_ => random.Next(3) == 0).DefaultIfEmpty(Written[random.Next(Written.Length)]).ToList();
        var first = new DateOnly(2026, 1, 1).AddDays(random.Next(300));
        var days = Enumerable.Range(0, 2 + random.Next(4)).Select(first.AddDays).ToList();
        last = days[^1];
        foreach (var table in tables)
        {
            if (CurrentTables.All.Contains(table))
            {
                Touch(lake, newest.FileKey(table));
                continue;
            }
            foreach (var day in days)
            {
                Touch(lake, (day == last ? newest : random.Next(2) == 0 ? newest : Other(newest)).PartitionKey(table, day));
            }
        }
        foreach (var month in Enumerable.Range(1, random.Next(4)))
        {
            Touch(lake, $"{LakeLayout.Transformed}listening_history/ended_month=2025-{month:00}/listening_history{(random.Next(2) == 0 ? ".csv" : ".parquet")}");
        }
        return new DirectoryInfo(lake);
    }

    private static void Touch(string lake, string key)
    {
        var path = Path.Combine(lake, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_lake_is_of_the_format_of_its_newest_tables_and_one_whose_newest_tables_disagree_is_refused_without_format(int seed)
    {
        var random = new Random(seed);
        foreach (var newest in Enum.GetValues<TableFormat>())
        {
            var agreed = Lake(random, $"agreed-{newest}", newest, out _, out _);
            Assert.Equal(newest, LakeFormat.Of(agreed));
            LakeFormat.Check(agreed, newest);
            Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => LakeFormat.Check(agreed, Other(newest))).ExitCode);

            // One table's newest day in the other format too (beside or instead), or a current-state table in it.
            var disagreed = Lake(random, $"disagreed-{newest}", newest, out var tables, out var last);
            var daily = tables.FirstOrDefault(t => !CurrentTables.All.Contains(t));
            if (daily is null || random.Next(3) == 0)
            {
                Touch(disagreed.FullName, Other(newest).FileKey(CurrentTables.All[random.Next(CurrentTables.All.Count)]));
            }
            else
            {
                Touch(disagreed.FullName, Other(newest).PartitionKey(daily, last));
                if (random.Next(2) == 0)
                {
                    File.Delete(Path.Combine(disagreed.FullName, newest.PartitionKey(daily, last)));
                }
            }
            var refused = Assert.Throws<CliException>(() => LakeFormat.Of(disagreed));
            Assert.Equal(ExitCodes.Usage, refused.ExitCode);
            Assert.Contains("holds tables of both formats", refused.Message, StringComparison.Ordinal);
            Assert.Contains("--format parquet or --format csv", refused.Message, StringComparison.Ordinal);
            // Either format given is taken: writing the lake in it mends it.
            LakeFormat.Check(disagreed, TableFormat.Csv);
            LakeFormat.Check(disagreed, TableFormat.Parquet);
        }
    }

    [Theory]
    [InlineData(TableFormat.Csv)]
    [InlineData(TableFormat.Parquet)]
    public void A_lake_holding_only_a_history_is_of_its_format(TableFormat format)
    {
        Touch(_folder["lake"], $"{LakeLayout.Transformed}listening_history/ended_month=2025-01/listening_history{Other(format).Extension()}");
        Touch(_folder["lake"], $"{LakeLayout.Transformed}listening_history/ended_month=2025-02/listening_history{format.Extension()}");

        Assert.Equal(format, LakeFormat.Of(new DirectoryInfo(_folder["lake"])));
    }

    public void Dispose() => _folder.Dispose();
}
