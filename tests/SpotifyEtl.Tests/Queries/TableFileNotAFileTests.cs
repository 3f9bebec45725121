using System.Diagnostics;
using System.Net.Sockets;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// A day's table file that is no regular file: a folder, a link to a folder, a FIFO or a socket. query, report and
/// current name it as damaged and exit 65, in a Parquet lake as in a CSV one; none of them leaves the day out without a
/// word, none hangs on a FIFO, and current does not write the current-state tables again without the day. The kind of
/// entry, the verb and the format go through every pair over the seeds; the table and the day are drawn at random.
/// </summary>
public sealed class TableFileNotAFileTests : IDisposable
{
    private static readonly string[] Kinds = ["folder", "link to a folder", "fifo", "socket"];
    private static readonly string[] Verbs = ["query", "report", "current"];
    // The daily tables the current-state tables are rebuilt from: the ones current reads.
    private static readonly string[] CurrentSources = ["songs", "albums", "artists", "song_artists", "playlists"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    public void A_table_file_that_is_no_regular_file_is_named_as_damaged_by_every_verb(int seed)
    {
        var random = new Random(seed);
        // Over the twelve seeds every kind meets every verb, and each of them both formats; the table and the day are drawn.
        var format = seed / 4 % 2 == 0 ? "parquet" : "csv";
        var kind = Kinds[seed % Kinds.Length];
        var verb = Verbs[seed % Verbs.Length];
        var lake = Lake(format);
        var file = TableFile(lake, format, verb == "current" ? CurrentSources : null, random);
        var current = CurrentFiles(lake);
        using var socket = Replace(file, kind);

        var run = Run(lake, verb);

        Assert.True(run.ExitCode == 65, $"{kind} at {file}, {verb}: exit {run.ExitCode}: {run.Output}{run.Errors}");
        var key = Path.GetRelativePath(lake, file).Replace(Path.DirectorySeparatorChar, '/');
        Assert.Contains($"its file {key} is damaged", run.Errors, StringComparison.Ordinal);
        // The fixture's CSV lake holds tables alone, with no raw/ a transform would rebuild them from.
        var day = Path.GetFileName(Path.GetDirectoryName(file))!["snapshot_date=".Length..];
        Assert.Contains(format == "csv" ? $"the lake keeps no raw object of {day} to rebuild it from" : "transform again", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", run.Errors, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(current, CurrentFiles(lake));
    }

    /// <summary>Puts <paramref name="kind"/> where <paramref name="file"/> was; a socket is bound for as long as the result lives.</summary>
    private Socket? Replace(string file, string kind)
    {
        File.Delete(file);
        switch (kind)
        {
            case "folder":
                Directory.CreateDirectory(file);
                File.WriteAllText(Path.Combine(file, "part-0" + Path.GetExtension(file)), "not a table");
                return null;
            case "link to a folder":
                var target = _folder[$"elsewhere-{Guid.NewGuid():N}"];
                Directory.CreateDirectory(target);
                File.CreateSymbolicLink(file, target);
                return null;
            case "fifo":
                using (var mkfifo = Process.Start("mkfifo", file))
                {
                    mkfifo.WaitForExit();
                    Assert.Equal(0, mkfifo.ExitCode);
                }
                return null;
            default:
                return SpecialEntries.BindSocket(file);
        }
    }

    /// <summary>The current-state tables' files and their bytes: current must leave them as they are.</summary>
    private static Dictionary<string, string> CurrentFiles(string lake) =>
        Directory.EnumerateDirectories(Path.Combine(lake, "transformed"), "*_current")
            .SelectMany(folder => Directory.EnumerateFiles(folder))
            .ToDictionary(file => file, file => Convert.ToHexString(File.ReadAllBytes(file)));

    /// <summary>Runs the verb as its own process; one that has not ended after two minutes is killed and fails the test.</summary>
    private (int ExitCode, string Output, string Errors) Run(string lake, string verb)
    {
        string[] arguments = verb == "report" ? [verb, "--lake", lake, "--out", _folder["report.html"]] : [verb, "--lake", lake];
        return SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(2), arguments);
    }

    /// <summary>One daily table's file, of <paramref name="tables"/> if given, picked by <paramref name="random"/>.</summary>
    private static string TableFile(string lake, string format, string[]? tables, Random random)
    {
        var files = Directory.EnumerateFiles(Path.Combine(lake, "transformed"), "*." + format, SearchOption.AllDirectories)
            .Where(file => file.Contains("snapshot_date=", StringComparison.Ordinal))
            .Where(file => tables is null || tables.Contains(Path.GetFileNameWithoutExtension(file)))
            .Order(StringComparer.Ordinal).ToList();
        return files[random.Next(files.Count)];
    }

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
}
