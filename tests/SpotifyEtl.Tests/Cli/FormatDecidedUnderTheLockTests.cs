using System.Diagnostics;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A verb that writes tables decides their format once the lake's tables are its own: another writer that gave the lake
/// its format while this one waited for the lock (or just before it took it) is seen. A format given that is not the
/// lake's is refused, as it is when the two run one after the other; one not given becomes the lake's. Decided before
/// the wait, an import and a transform in the other format left a lake half Parquet and half CSV, and a transform
/// given the other format rewrote a whole lake in it, each reporting success.
/// </summary>
public sealed class FormatDecidedUnderTheLockTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string RawSample()
    {
        var sample = _folder["sample"];
        if (!Directory.Exists(sample))
        {
            var made = DemoCommandTests.RunCli("sample", "--out", sample, "--days", "2", "--items", "40");
            Assert.True(made.ExitCode == 0, made.Errors);
        }
        return sample;
    }

    /// <summary>What another writer leaves: the sample's tables in <paramref name="format"/>.</summary>
    private string TablesIn(string format)
    {
        var lake = _folder[$"written-{format}"];
        if (!Directory.Exists(lake))
        {
            TempFolder.CopyTree(RawSample(), lake);
            var transformed = DemoCommandTests.RunCli("transform", "--lake", lake, "--format", format);
            Assert.True(transformed.ExitCode == 0, transformed.Errors);
        }
        return Path.Combine(lake, "transformed");
    }

    private static string[] Formats(string lake) =>
        Directory.EnumerateFiles(Path.Combine(lake, "transformed"), "*", SearchOption.AllDirectories)
            .Select(Path.GetExtension).Where(e => e is ".csv" or ".parquet").Distinct().Order(StringComparer.Ordinal).ToArray()!;

    public static TheoryData<string, string?, string> Cases()
    {
        var cases = new TheoryData<string, string?, string>();
        foreach (var verb in new[] { "transform", "import" })
        {
            foreach (var given in new[] { null, "csv", "parquet" })
            {
                foreach (var written in new[] { "csv", "parquet" })
                {
                    cases.Add(verb, given, written);
                }
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_writer_that_waited_for_the_lock_writes_the_format_the_lake_has_by_then_or_is_refused(string verb, string? given, string written)
    {
        var lake = _folder[$"{verb}-{given ?? "default"}-{written}"];
        TempFolder.CopyTree(RawSample(), lake);
        var export = _folder[$"{verb}-{given ?? "default"}-{written}-export.zip"];
        await File.WriteAllBytesAsync(export, SampleExport.Write(new SampleExportOptions(60, 2)).Zips[0].Zip);
        var lockFile = Path.Combine(lake, LocalFolderStore.TemporaryFolder, LakeLock.WriterLockFile);
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);

        string[] arguments = verb == "transform" ? ["transform", "--lake", lake] : ["import", export, "--lake", lake];
        if (given is not null)
        {
            arguments = [.. arguments, "--format", given];
        }
        Process process;
        // The lake has no tables yet when the verb decides; it waits for the tables' lock held here, and meanwhile
        // another writer's tables land in `written`.
        using (new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            (process, var errors) = await SpotifyEtlProcess.StartWaiting(arguments, verb);
            // The holder may be a writer or a reader: a writer waiting says the tables are in use, not who uses them.
            Assert.Contains($"another spotify-etl is using the tables of {lake} (writing them, or a query or report reading them)", errors, StringComparison.Ordinal);
            TempFolder.CopyTree(TablesIn(written), Path.Combine(lake, "transformed"));
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var rest = await process.StandardError.ReadToEndAsync();
        await output;
        await process.WaitForExitAsync();

        if (given is not null && given != written)
        {
            // As when it runs after the other writer: refused, the lake's tables left in their format.
            Assert.True(process.ExitCode == 64, $"exit {process.ExitCode}: {rest}");
            Assert.Contains($"holds {written} tables, and one lake holds one format", rest, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(process.ExitCode is 0 or 3, $"exit {process.ExitCode}: {rest}");
        }
        Assert.Equal(["." + written], Formats(lake));
    }
}
