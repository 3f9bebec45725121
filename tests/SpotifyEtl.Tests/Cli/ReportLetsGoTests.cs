using System.Diagnostics;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A report written to a pipe nobody reads yet (<c>report --out - | less</c>, the pager left open) holds no lock while it
/// waits: a transform started meanwhile may write the tables, which the report has finished reading.
/// </summary>
public sealed class ReportLetsGoTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_report_to_a_pipe_not_yet_read_lets_a_writer_have_the_tables()
    {
        var lake = _folder["lake"];
        // In processes of their own: a writer run in this one would hold the tables' lock until the tests end.
        Assert.Equal(0, SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(2), "sample", "--out", lake, "--days", "2", "--items", "40").ExitCode);
        Assert.Equal(0, SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(2), "transform", "--lake", lake).ExitCode);
        var lockFile = Path.Combine(lake, LocalFolderStore.TemporaryFolder, LakeLock.WriterLockFile);

        using var report = Process.Start(SpotifyEtlProcess.StartInfo(["report", "--lake", lake, "--out", "-"]))!;
        var errors = report.StandardError.ReadToEndAsync();
        try
        {
            // The page is far larger than a pipe holds: until its standard output is read, the report cannot end. The writer
            // is sought once the report has begun writing the page (the first bytes are in the pipe), so after it read the tables.
            var first = new char[1];
            Assert.Equal(1, await report.StandardOutput.ReadAsync(first).AsTask().WaitAsync(TimeSpan.FromSeconds(60)));
            FileStream? writer = null;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (writer is null && DateTime.UtcNow < deadline && !report.HasExited)
            {
                try
                {
                    writer = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException)
                {
                    await Task.Delay(50);
                }
            }
            Assert.False(report.HasExited, "the report ended before its page was read");
            Assert.NotNull(writer);
            writer.Dispose();
        }
        finally
        {
            try
            {
                var page = await report.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
                await report.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
                Assert.Contains("</html>", page, StringComparison.OrdinalIgnoreCase);
            }
            finally
            {
                if (!report.HasExited)
                {
                    report.Kill(entireProcessTree: true);
                }
            }
        }
        Assert.True(report.ExitCode == 0, $"exit {report.ExitCode}: {await errors}");
    }
}
