using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Queries;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>
/// <c>report --out</c> naming an entry that is no regular file (a FIFO, a socket; named, through a link, or as the
/// <c>report.html</c> of a folder given): refused with exit 74 and what to do, and the entry is left as it was, where
/// the page used to be moved over it, a regular file in its place.
/// </summary>
public sealed class ReportOutNotAFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void An_out_that_is_a_fifo_or_a_socket_is_refused_with_exit_74_and_left_as_it_was(int seed)
    {
        var random = new Random(seed);
        var kind = seed % 2 == 0 ? SpecialEntries.Fifo : SpecialEntries.Socket;
        var entry = _folder[$"out{random.Next(100)}/{new[] { "report.html", "page", "r.html" }[random.Next(3)]}"];
        // Named as it is, through a link to it, or as the report.html of the folder named.
        var how = random.Next(3);
        string named;
        switch (how)
        {
            case 0:
                named = entry;
                break;
            case 1:
                named = _folder[$"link{random.Next(100)}.html"];
                File.CreateSymbolicLink(named, entry);
                break;
            default:
                entry = Path.Combine(Path.GetDirectoryName(entry)!, "report.html");
                named = Path.GetDirectoryName(entry)!;
                break;
        }
        SpecialEntries.Make(entry, kind, _folder["elsewhere"]);
        var before = SpecialEntries.Describe(entry);
        Assert.NotNull(before);

        var run = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(2), "report", "--lake", LakeDatabaseTests.FixtureLake, "--out", named);

        Assert.True(run.ExitCode == ExitCodes.IoError, $"--out a {kind} ({how}): exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"Cannot write the report to ", run.Errors, StringComparison.Ordinal);
        Assert.Contains($"{before}; the report takes the place of a regular file only, and leaves this one as it is. Choose another --out.", run.Errors, StringComparison.Ordinal);
        Assert.Single(run.Errors.TrimEnd().Split('\n'));
        Assert.Equal(before, SpecialEntries.Describe(entry));
        Assert.Empty(Directory.EnumerateFiles(_folder.Path, "*.tmp", SearchOption.AllDirectories));
    }
}
