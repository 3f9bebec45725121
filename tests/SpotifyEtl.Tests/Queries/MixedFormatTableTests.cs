using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Import;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// A local lake with one table holding files of both formats (a lake an older version wrote in part in the other one):
/// only the questions that read that table fail, naming it and what writes it again; every other one is answered as on
/// the whole lake. For the listening history that is the import of the export's copy the lake keeps, and running it mends the lake.
/// </summary>
public sealed class MixedFormatTableTests : IDisposable
{
    private readonly TempFolder _folder = new();

    /// <summary>The same sample (API days and an imported export) written once in each format.</summary>
    private async Task<Dictionary<TableFormat, string>> LakesAsync(int seed)
    {
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(_folder["source"]), seed);
        var lakes = new Dictionary<TableFormat, string>();
        foreach (var format in Enum.GetValues<TableFormat>())
        {
            var store = new LocalFolderStore(_folder[$"{format}"]);
            var keys = await HistoryPlaysFollowerTests.CopyAsync(sample, store, sample.Days.Keys);
            await new ExportImporter(store, store, new ImportOptions { Format = format }).ImportAsync(sample.Export);
            await new TransformPipeline(store, store, new TransformOptions { Format = format }).TransformAsync(keys);
            lakes[format] = _folder[$"{format}"];
        }
        return lakes;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Only_the_questions_that_read_a_table_of_both_formats_fail_and_the_others_are_answered(int seed)
    {
        var random = new Random(seed);
        var lakes = await LakesAsync(seed);
        var tables = TableNames.Columns.Keys.Concat(CurrentTables.Columns.Keys).ToList();
        // Each format first, and in each some tables (the history among them) given files of the other.
        foreach (var format in Enum.GetValues<TableFormat>())
        {
            var other = lakes[format == TableFormat.Csv ? TableFormat.Parquet : TableFormat.Csv];
            // Each question's answer over the whole lake of this format, asked once: what every mixed lake must answer alike.
            Dictionary<string, IReadOnlyList<IReadOnlyList<string?>>> whole;
            using (var expected = LakeDatabase.Open(lakes[format]))
            {
                whole = NamedQueries.All.ToDictionary(query => query.Name, query => expected.Run(query).Rows);
            }
            var chosen = tables.Where(t => t == TableNames.ListeningHistory || random.Next(4) == 0).ToList();
            foreach (var table in chosen)
            {
                var mixed = _folder[$"mixed-{format}-{table}"];
                TempFolder.CopyTree(lakes[format], mixed);
                var files = Directory.EnumerateFiles(Path.Combine(other, "transformed", table), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
                Assert.NotEmpty(files);
                // Some of the table's files of the other format, beside the lake's own or, while some of those stay, in their place.
                var some = files.Where(_ => random.Next(2) == 0).DefaultIfEmpty(files[random.Next(files.Count)]).ToList();
                var instead = some.Count < files.Count && random.Next(2) == 0;
                foreach (var file in some)
                {
                    var copy = Path.Combine(mixed, Path.GetRelativePath(other, file));
                    if (instead)
                    {
                        File.Delete(Path.ChangeExtension(copy, format == TableFormat.Csv ? ".csv" : ".parquet"));
                    }
                    File.Copy(file, copy, overwrite: true);
                }
                var refused = AssertOnlyReadersFail(lakes[format], whole, mixed, table);
                // The history's questions read it: a lake that reads a missing table as an empty one would refuse none.
                Assert.True(table != TableNames.ListeningHistory || refused >= 3, $"{refused} questions refused over a mixed {table}");
            }
        }
    }

    /// <returns>How many questions were refused.</returns>
    private static int AssertOnlyReadersFail(string whole, Dictionary<string, IReadOnlyList<IReadOnlyList<string?>>> answers, string mixed, string table)
    {
        using var database = LakeDatabase.Open(mixed);
        var reading = Readers(whole, table);
        var (answered, refusedCount) = (0, 0);
        foreach (var query in NamedQueries.All)
        {
            if (reading.Contains(query.Name))
            {
                refusedCount++;
                var refused = Assert.Throws<LakeException>(() => database.Run(query));
                Assert.StartsWith($"Table '{table}' holds both Parquet and CSV files", refused.Message, StringComparison.Ordinal);
                Assert.Contains(table == TableNames.ListeningHistory ? "spotify-etl import" : CurrentTables.Columns.ContainsKey(table) ? "spotify-etl current" : "spotify-etl transform",
                    refused.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(answers[query.Name], database.Run(query).Rows);
                answered++;
            }
        }
        Assert.True(answered > 0, $"every question reads {table}");
        return refusedCount;
    }

    /// <summary>Which questions read a table, found once per table: the same in every lake, of either format.</summary>
    private static readonly ConcurrentDictionary<string, HashSet<string>> ReadersOf = new(StringComparer.Ordinal);

    /// <summary>The questions that read <paramref name="table"/>: those that fail over the whole lake without it.</summary>
    private static HashSet<string> Readers(string whole, string table) => ReadersOf.GetOrAdd(table, _ =>
    {
        using var without = LakeDatabase.Open(whole, TableNames.Columns.Concat(CurrentTables.Columns).Where(t => t.Key != table).ToDictionary());
        return NamedQueries.All.Where(query => Reads(without, query)).Select(query => query.Name).ToHashSet(StringComparer.Ordinal);
    });

    private static bool Reads(LakeDatabase without, NamedQuery query)
    {
        try
        {
            without.Run(query);
            return false;
        }
        catch (QueryFailedException)
        {
            return true;
        }
    }

    [Theory]
    [InlineData(TableFormat.Csv, "lake")]
    [InlineData(TableFormat.Parquet, "lake")]
    [InlineData(TableFormat.Csv, "Ana's lake (copy) $HOME *")]
    [InlineData(TableFormat.Parquet, "my lake")]
    public async Task A_history_of_both_formats_is_mended_by_the_import_command_its_error_names(TableFormat format, string folder)
    {
        var lakes = await LakesAsync(5);
        var lake = _folder[folder];
        TempFolder.CopyTree(lakes[format], lake);
        var other = lakes[format == TableFormat.Csv ? TableFormat.Parquet : TableFormat.Csv];
        var history = Path.Combine("transformed", TableNames.ListeningHistory);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(other, history), "*", SearchOption.AllDirectories).Where((_, i) => i % 2 == 0))
        {
            File.Copy(file, Path.Combine(lake, Path.GetRelativePath(other, file)), overwrite: true);
        }
        var raw = _folder.Files($"{folder}/{LakeLayout.Raw}");

        var refused = DemoCommandTests.RunCli("query", "--lake", lake);
        var answered = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "top_tracks");

        Assert.Equal(65, refused.ExitCode);
        Assert.Equal(0, answered.ExitCode);
        var command = Regex.Match(refused.Errors, @"spotify-etl (import .*)$", RegexOptions.Multiline);
        Assert.True(command.Success, refused.Errors);
        // The command as a shell reads it, pasted as it is: a lake's path with spaces or quotes stays one argument.
        var arguments = ShellWords(command.Groups[1].Value);
        Assert.Equal(["import", Path.Combine(lake, LakeLayout.Raw, "spotify_export"), "--lake", lake], arguments);
        var mended = DemoCommandTests.RunCli(arguments);
        // The sample export holds a few rows no import can read (exit 3, as its first import had).
        Assert.True(mended.ExitCode is 0 or 3, mended.Errors);
        // The export's files are imported as they landed: none lands a second time, and nothing under raw/ changes.
        FileTreeAssert.Same(raw, _folder.Files($"{folder}/{LakeLayout.Raw}"), "raw/ after the import its error names");
        Assert.All(Directory.EnumerateFiles(Path.Combine(lake, history), "*", SearchOption.AllDirectories),
            file => Assert.EndsWith(format == TableFormat.Csv ? ".csv" : ".parquet", file, StringComparison.Ordinal));
        Assert.Equal(0, DemoCommandTests.RunCli("query", "--lake", lake).ExitCode);
    }

    [Theory]
    [InlineData(TableFormat.Parquet, TableNames.Songs, true)]
    [InlineData(TableFormat.Csv, TableNames.Plays, true)]
    [InlineData(TableFormat.Parquet, CurrentTables.Artists, true)]
    [InlineData(TableFormat.Csv, TableNames.PlaylistEntries, false)]
    [InlineData(TableFormat.Parquet, TableNames.Albums, false)]
    public async Task A_table_of_both_formats_is_mended_by_the_command_its_error_names_whichever_partition_the_other_format_is_in(
        TableFormat format, string table, bool newest)
    {
        var lakes = await LakesAsync(7);
        var lake = _folder["lake"];
        TempFolder.CopyTree(lakes[format], lake);
        var other = lakes[format == TableFormat.Csv ? TableFormat.Parquet : TableFormat.Csv];
        // One file of the other format beside the lake's own, in the table's newest partition (its last by name) or its oldest.
        var files = Directory.EnumerateFiles(Path.Combine(other, "transformed", table), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var file = newest ? files[^1] : files[0];
        File.Copy(file, Path.Combine(lake, Path.GetRelativePath(other, file)));

        var refused = DemoCommandTests.RunCli("query", "--lake", lake);

        Assert.Equal(65, refused.ExitCode);
        var verb = CurrentTables.Columns.ContainsKey(table) ? "current" : "transform";
        Assert.Contains($"spotify-etl {verb}", refused.Errors, StringComparison.Ordinal);
        var keep = Regex.Match(refused.Errors, @"give that command (--format \w+)");
        Assert.Equal(newest, keep.Success);
        // The advice followed as it reads: the command it names, with the --format it names first, if any.
        string[] mend = keep.Success ? [verb, "--lake", lake, .. keep.Groups[1].Value.Split(' ')] : [verb, "--lake", lake];
        var mended = DemoCommandTests.RunCli(mend);
        Assert.True(mended.ExitCode == 0, $"{string.Join(' ', mend)}: exit {mended.ExitCode}: {mended.Errors}");
        Assert.Equal(0, DemoCommandTests.RunCli("query", "--lake", lake).ExitCode);
        Assert.All(Directory.EnumerateFiles(Path.Combine(lake, "transformed", table), "*", SearchOption.AllDirectories),
            f => Assert.EndsWith(format == TableFormat.Csv ? ".csv" : ".parquet", f, StringComparison.Ordinal));
    }

    /// <summary>The words bash makes of a command line.</summary>
    private static string[] ShellWords(string line)
    {
        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("printf '%s\\0' " + line);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    public void Dispose() => _folder.Dispose();
}
