using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// <c>--out=~/spotify</c>: the shell leaves a ~ after '=' as it is. The tool says how to write it, and makes no folder
/// named ~ in the current folder (which <c>rm -r ~</c> would then be typed to remove).
/// </summary>
public sealed class UnexpandedHomeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("sample", "--out=~/spotify", "Write --out ~/spotify (a space instead of '='), or --out=$HOME/spotify.")]
    [InlineData("query", "--lake=~", "Write --lake ~ (a space instead of '='), or --lake=$HOME.")]
    [InlineData("sample", "--out:~/spotify", "Write --out ~/spotify (a space instead of ':'), or --out=$HOME/spotify.")]
    [InlineData("query", "--lake:~", "Write --lake ~ (a space instead of ':'), or --lake=$HOME.")]
    public void An_option_whose_tilde_the_shell_left_unexpanded_is_a_usage_error_naming_how_to_write_it(string verb, string option, string advice)
    {
        var here = _folder["here"];
        Directory.CreateDirectory(here);

        var (exit, _, errors) = verb == "sample" ? RunIn(here, verb, option, "--days", "1") : RunIn(here, verb, option);

        Assert.True(exit == 64, $"exit {exit}: {errors}");
        Assert.Contains(advice, errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(here));
    }

    [Fact]
    public void A_tilde_inside_a_path_or_an_option_with_a_space_is_left_to_the_path()
    {
        var here = _folder["here"];
        Directory.CreateDirectory(here);

        var (exit, _, errors) = RunIn(here, "sample", $"--out={Path.Combine(here, "a~b")}", "--days", "1");

        Assert.True(exit == 0, errors);
        Assert.True(Directory.Exists(Path.Combine(here, "a~b", "raw")));
    }

    private static (int ExitCode, string Output, string Errors) RunIn(string folder, params string[] arguments) =>
        SpotifyEtlProcess.RunIn(folder, arguments);
}
