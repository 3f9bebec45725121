using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A history file piped in (<c>import /dev/stdin</c>, or a shell's <c>&lt;(...)</c>) reaches the tool as a link to a pipe,
/// which Linux names <c>pipe:[inode]</c>: the tool says it is a pipe and what to do, where it called it a dangling link to a
/// file that does not exist.
/// </summary>
public sealed class PipedInputTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("import")]
    [InlineData("transform")]
    public void An_input_piped_in_as_dev_stdin_is_said_to_be_a_pipe_with_what_to_do(string verb)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        const string History = """[{"ts": "2021-03-04T05:06:07Z", "ms_played": 1000, "master_metadata_track_name": "Song", "spotify_track_uri": "spotify:track:t"}]""";
        string[] arguments = verb == "import" ? ["import", "/dev/stdin", "--lake", _folder["lake"]] : ["transform", "--input", "/dev/stdin", "--lake", _folder["lake"]];

        var run = DemoCommandTests.RunCliWithStdin(new Dictionary<string, string>(), History, arguments);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("a pipe, not a file (standard input, or a shell's <(...)): save what it carries to a file, and name that file", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("dangling", run.Errors, StringComparison.Ordinal);
    }
}
