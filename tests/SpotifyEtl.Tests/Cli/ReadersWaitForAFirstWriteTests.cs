using System.Diagnostics;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A reader started while a lake's first import or first transform is at work (the tables' lock held, no table written
/// yet) waits for it and answers from what it wrote. It used to decide at once that the lake had no table: during a first
/// import, query and report exited 66 saying that the last import had not finished and to import the export again, beside
/// the import still running; during a first transform, that the lake was not transformed yet.
/// </summary>
public sealed class ReadersWaitForAFirstWriteTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, string, int> Cases() => new()
    {
        { "import", "query", 1 },
        { "import", "report", 2 },
        { "transform", "query", 3 },
        { "transform", "report", 4 },
        { "transform", "current", 5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_reader_started_while_the_first_writer_is_at_work_waits_for_it_and_answers_from_its_tables(string writer, string reader, int seed)
    {
        var random = new Random(seed);
        var whole = _folder["whole"];
        if (writer == "import")
        {
            var export = _folder["export.zip"];
            await File.WriteAllBytesAsync(export, SampleExport.Write(new SampleExportOptions(random.Next(40, 400), seed)).Zips[0].Zip);
            Assert.True(DemoCommandTests.RunCli("import", export, "--lake", whole).ExitCode is 0 or 3);
        }
        else
        {
            Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", whole, "--days", $"{random.Next(1, 4)}", "--items", $"{random.Next(10, 60)}", "--seed", $"{seed}").ExitCode);
            Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", whole).ExitCode);
        }
        var expected = DemoCommandTests.RunCli(Arguments(reader, whole));
        Assert.True(expected.ExitCode == 0, expected.Errors);

        // The lake as the writer has it before its first table: what it landed (an import's copies of the export, or the raw
        // responses a transform reads) and, for an import, its mark of an import begun.
        var lake = _folder["lake"];
        TempFolder.CopyTree(Path.Combine(whole, "raw"), Path.Combine(lake, "raw"));
        if (writer == "import")
        {
            Directory.CreateDirectory(Path.Combine(lake, "state"));
            await File.WriteAllTextAsync(Path.Combine(lake, "state", "unfinished-import.txt"), "2026-11-20T06:00:00Z\n");
        }
        var lockFile = Path.Combine(lake, LocalFolderStore.TemporaryFolder, LakeLock.WriterLockFile);
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        Process process;
        using (new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            (process, var errors) = await SpotifyEtlProcess.StartWaiting(Arguments(reader, lake), $"{reader}, started beside the {writer},");
            Assert.Contains($"another spotify-etl is writing the tables of {lake}", errors, StringComparison.Ordinal);
            Assert.False(process.HasExited, $"{reader} ended while the {writer} held the tables");
            // The writer ends: its tables (and what it keeps beside them) written, its mark taken off.
            if (writer == "import")
            {
                File.Delete(Path.Combine(lake, "state", "unfinished-import.txt"));
            }
            foreach (var written in Directory.EnumerateDirectories(whole).Select(Path.GetFileName).Where(name => name is not ("raw" or LocalFolderStore.TemporaryFolder)))
            {
                TempFolder.CopyTree(Path.Combine(whole, written!), Path.Combine(lake, written!));
            }
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var rest = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(process.ExitCode == 0, $"{reader} after the {writer}: exit {process.ExitCode}: {rest}");
        Assert.DoesNotContain("did not finish", rest, StringComparison.Ordinal);
        if (reader != "report")
        {
            Assert.Equal(expected.Output.Replace(whole, lake, StringComparison.Ordinal), await output);
        }
        else
        {
            Assert.True(new FileInfo(lake + ".html").Length > 0);
        }
    }

    private static string[] Arguments(string reader, string lake) => reader switch
    {
        "query" => ["query", "--lake", lake, "--json"],
        "report" => ["report", "--lake", lake, "--out", lake + ".html"],
        _ => ["current", "--lake", lake],
    };
}
