using SpotifyEtl.Cli.Report;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Queries;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>Where <c>report --out</c> writes, and what a write that fails leaves behind: nothing.</summary>
public sealed class ReportOutTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private IEnumerable<string> TemporaryFiles() => Directory.EnumerateFiles(_folder.Path, "*.tmp", SearchOption.AllDirectories);

    [Fact]
    public void An_out_that_ends_with_a_slash_is_a_folder_made_if_missing_with_the_report_inside()
    {
        var folder = _folder["reports/new"];

        var run = DemoCommandTests.RunCli("report", "--lake", LakeDatabaseTests.FixtureLake, "--out", folder + "/");

        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.Contains($"Report: {Path.Combine(folder, "report.html")}", run.Output, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(TemporaryFiles());
    }

    /// <summary>
    /// A page is passed around: it names its lake as it was given, the home folder as ~, never the path that says whose
    /// machine made it; a lake given by a relative path is named by it.
    /// </summary>
    [Theory]
    [InlineData("music/my lake")]
    [InlineData("lake")]
    public void The_page_names_its_lake_as_given_with_the_home_folder_as_a_tilde(string underHome)
    {
        var home = _folder["home alice"];
        var lake = Path.Combine(home, underHome);
        TempFolder.CopyTree(LakeDatabaseTests.FixtureLake, lake);
        var page = _folder["page.html"];

        var run = DemoCommandTests.RunCli(new Dictionary<string, string> { ["HOME"] = home }, "report", "--lake", lake + "/", "--out", page);

        Assert.True(run.ExitCode == 0, run.Errors);
        var html = File.ReadAllText(page);
        Assert.Contains($"From the lake <code>~/{System.Net.WebUtility.HtmlEncode(underHome)}/</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(home, html, StringComparison.Ordinal);
        Assert.DoesNotContain(System.Net.WebUtility.HtmlEncode(home), html, StringComparison.Ordinal);
    }

    /// <summary>A script reads the page's path from stdout: a pipe's console is 200 columns wide, and the line is not broken at it.</summary>
    [Theory]
    [InlineData(150)]
    [InlineData(240)]
    [InlineData(600)]
    public void The_report_line_names_a_long_path_whole_on_one_line_in_a_pipe(int length)
    {
        var folder = _folder.Path;
        for (var part = 0; folder.Length < length; part++)
        {
            folder = Path.Combine(folder, $"music reports {part} " + new string('x', 60));
        }
        var page = Path.Combine(folder, "report.html");

        var run = DemoCommandTests.RunCli("report", "--lake", LakeDatabaseTests.FixtureLake, "--out", page);

        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.Equal($"Report: {page}\n", run.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void An_out_folder_whose_report_html_is_a_folder_is_refused_with_exit_74_and_leaves_no_temporary_file()
    {
        var folder = _folder["out"];
        Directory.CreateDirectory(Path.Combine(folder, "report.html"));

        var run = DemoCommandTests.RunCli("report", "--lake", LakeDatabaseTests.FixtureLake, "--out", folder);

        Assert.Equal(74, run.ExitCode);
        Assert.Equal($"spotify-etl: Cannot write the report to {Path.Combine(folder, "report.html")}: {Path.Combine(folder, "report.html")} is a folder, not a file. " +
                     "Choose another --out.", run.Errors.TrimEnd());
        Assert.Empty(TemporaryFiles());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(folder, "report.html")));
    }

    [Fact]
    public void A_write_that_fails_part_way_as_on_a_full_disk_leaves_no_temporary_file()
    {
        var page = _folder["out/report.html"];
        void FullDisk(string path, byte[] bytes)
        {
            using var file = File.Create(path);
            file.Write(bytes, 0, bytes.Length / 2);
            throw new IOException("No space left on device");
        }

        var refused = Assert.Throws<IOException>(() => ReportWriter.Save("<!DOCTYPE html><p>a report</p>"u8.ToArray(), page, FullDisk));

        Assert.Equal("No space left on device", refused.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder["out"]));
    }

    [Fact]
    public void A_report_replaces_the_file_it_is_named_and_leaves_nothing_beside_it()
    {
        var page = _folder["report.html"];
        File.WriteAllText(page, "an older report");

        ReportWriter.Save("<!DOCTYPE html><p>a report</p>", page);

        Assert.Equal("<!DOCTYPE html><p>a report</p>", File.ReadAllText(page));
        Assert.Equal([page], Directory.EnumerateFileSystemEntries(_folder.Path));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupWrite)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_report_written_again_keeps_the_permissions_of_the_page_it_replaces(UnixFileMode mode)
    {
        var page = _folder["report.html"];
        File.WriteAllText(page, "an older report");
        File.SetUnixFileMode(page, mode);

        // What another user could read while the page was written: the mode of the temporary file holding its bytes.
        UnixFileMode? whileWritten = null;
        ReportWriter.Save("<!DOCTYPE html><p>a report</p>"u8.ToArray(), page, (temporary, bytes) =>
        {
            File.WriteAllBytes(temporary, bytes);
            whileWritten = File.GetUnixFileMode(temporary);
        });

        Assert.Equal("<!DOCTYPE html><p>a report</p>", File.ReadAllText(page));
        Assert.Equal(mode, File.GetUnixFileMode(page));
        // No one the page keeps out could read the report while it was written.
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        Assert.Equal(UnixFileMode.None, whileWritten!.Value & others & ~mode);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(246)]
    [InlineData(251)]
    [InlineData(255)]
    public void A_page_whose_name_is_as_long_as_the_file_system_allows_is_written(int nameBytes)
    {
        // One name of up to 255 bytes; some of them in two-byte characters, as a name in another script would be.
        var name = new string('r', (nameBytes - 5) % 2) + string.Concat(Enumerable.Repeat("é", (nameBytes - 5) / 2)) + ".html";
        Assert.Equal(nameBytes, System.Text.Encoding.UTF8.GetByteCount(name));
        var page = _folder[name];

        var run = DemoCommandTests.RunCli("report", "--lake", LakeDatabaseTests.FixtureLake, "--out", page);

        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(page), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(TemporaryFiles());
    }
}
