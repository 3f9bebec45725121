using SpotifyEtl.Tests.Queries;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary><c>report --out -</c>: the page on stdout, for a pipe, as most tools take "-".</summary>
public sealed class ReportToStandardOutputTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Report_out_dash_writes_the_page_to_stdout_and_no_file_named_dash()
    {
        var here = _folder["here"];
        Directory.CreateDirectory(here);

        var (exit, output, errors) = RunIn(here, "report", "--lake", LakeDatabaseTests.FixtureLake, "--out", "-");

        Assert.True(exit == 0, errors);
        Assert.StartsWith("<!DOCTYPE html>", output.TrimStart(), StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("</html>", output.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("Report: standard output", errors, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(here));
    }

    [Fact]
    public void Report_out_dot_slash_dash_still_writes_a_file_of_that_name()
    {
        var here = _folder["here"];
        Directory.CreateDirectory(here);

        var (exit, output, errors) = RunIn(here, "report", "--lake", LakeDatabaseTests.FixtureLake, "--out", "./-");

        Assert.True(exit == 0, errors);
        Assert.Contains($"Report: {Path.Combine(here, "-")}", output, StringComparison.Ordinal);
        Assert.EndsWith("</html>", File.ReadAllText(Path.Combine(here, "-")).TrimEnd(), StringComparison.Ordinal);
    }

    /// <summary>Runs spotify-etl in <paramref name="folder"/>, where a relative --out lands.</summary>
    private static (int ExitCode, string Output, string Errors) RunIn(string folder, params string[] arguments) =>
        SpotifyEtlProcess.RunIn(folder, arguments);
}
