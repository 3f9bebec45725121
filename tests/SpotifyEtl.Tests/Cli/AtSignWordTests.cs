using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A word that starts with @ is that word, a path like any other: the command-line library would read the file it names
/// (without the @) in its place, as more arguments, by default. A missing file was a parse error about a "response
/// file", a folder of that name ended the process with a stack trace, and a text file's words became options.
/// </summary>
public sealed class AtSignWordTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("none")]
    [InlineData("folder")]
    [InlineData("file")]
    public void A_lake_named_with_an_at_sign_is_that_folder_whatever_stands_under_the_name_without_it(string beside)
    {
        var here = _folder["here"];
        Directory.CreateDirectory(here);
        switch (beside)
        {
            case "folder":
                Directory.CreateDirectory(Path.Combine(here, "spotify"));
                break;
            case "file":
                File.WriteAllText(Path.Combine(here, "spotify"), "--days 9\n");
                break;
        }

        var made = SpotifyEtlProcess.RunIn(here, "sample", "--out", "@spotify", "--days", "1", "--items", "5");
        var read = SpotifyEtlProcess.RunIn(here, "query", "--lake", "@missing");

        Assert.True(made.ExitCode == 0, made.Errors);
        Assert.True(Directory.Exists(Path.Combine(here, "@spotify", "raw")));
        // One day, as asked: the file's "--days 9" was not read in.
        Assert.Single(Directory.EnumerateDirectories(Path.Combine(here, "@spotify", "raw"), "snapshot_date=*", SearchOption.AllDirectories)
            .Select(Path.GetFileName).Distinct());
        Assert.True(read.ExitCode == 66, $"exit {read.ExitCode}: {read.Errors}");
        Assert.Contains("@missing", read.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("response file", made.Errors + read.Errors, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", made.Errors + read.Errors, StringComparison.Ordinal);
    }
}
