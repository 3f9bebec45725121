using System.Diagnostics;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The commands the tool tells a user to run name their paths as the shell reads them back: a lake under "My Music",
/// or with a quote, a dollar or a bang in its name, is the folder the command runs on when it is pasted into bash.
/// </summary>
public sealed class ShellWordTests
{
    private const string Characters = "abcXYZ019/._-~ 'ü\"$`\\!*?[]{},;&|()<>#%=+:@\t音";

    private static string Generated(Random random)
    {
        var length = 1 + random.Next(24);
        return new string([.. Enumerable.Range(0, length).Select(_ => Characters[random.Next(Characters.Length)])]);
    }

    /// <summary>What bash makes of the word, with history expansion on as at a terminal: the one argument it passes on.</summary>
    private static string ReadByBash(string word) => RunByBash($"printf '%s' {word}");

    /// <summary>Runs a command line as bash at a terminal would (history expansion on); returns its output.</summary>
    private static string RunByBash(string commandLine)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var bash = Process.Start(start)!;
        // Each line is read, and history-expanded, after the one before it ran: the second line meets "!" as a terminal's does.
        bash.StandardInput.Write($"set -o history -H\n{commandLine}\n");
        bash.StandardInput.Close();
        var output = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();
        Assert.True(bash.ExitCode == 0, $"bash refused {commandLine}: {bash.StandardError.ReadToEnd()}");
        return output;
    }

    [Fact]
    public void Any_path_is_read_back_by_bash_as_itself_and_a_plain_one_is_left_as_it_is()
    {
        var random = new Random(7);
        string[] odd = ["", "-lake", "~", "~/lake", "=lake", "a\nb", "a!b", "!!", "it's", "$(rm -rf x)"];
        foreach (var path in odd.Concat(Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? "/" : "") + Generated(random))))
        {
            Assert.Equal(path, ReadByBash(ShellWord.Of(path)));
        }
        Assert.Equal("/home/ana/lake-2026_v1.0", ShellWord.Of("/home/ana/lake-2026_v1.0"));
        Assert.Equal("\"/home/ana/My Music\"", ShellWord.Of("/home/ana/My Music"));
    }

    [Theory]
    [InlineData("My Music")]
    [InlineData("ana's lake")]
    [InlineData("$HOME `x` \\ \"q\"!")]
    public void The_transform_a_query_names_for_a_lake_not_yet_transformed_runs_on_that_lake(string name)
    {
        using var folder = new TempFolder();
        var lake = Directory.CreateDirectory(Path.Combine(folder.Path, name)).FullName;
        // An API response not transformed yet: what the transform reads.
        var page = Directory.CreateDirectory(Path.Combine(lake, "raw", "playlist", "snapshot_date=2026-11-20")).FullName;
        File.WriteAllText(Path.Combine(page, "20261120T060000Z.json"), "{}");

        var run = DemoCommandTests.RunCli("query", "--lake", lake);

        Assert.Equal(ExitCodes.NoInput, run.ExitCode);
        const string Before = "run 'spotify-etl transform --lake ";
        var at = run.Errors.IndexOf(Before, StringComparison.Ordinal);
        Assert.True(at >= 0, run.Errors);
        var word = run.Errors[(at + Before.Length)..run.Errors.LastIndexOf("' first.", StringComparison.Ordinal)];
        Assert.Equal(lake, ReadByBash(word));
    }

    [Theory]
    [InlineData("My Music")]
    [InlineData("ana's keys")]
    [InlineData("$HOME `x` \\ \"q\"!")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_commands_for_a_missing_credentials_file_make_its_folder_and_its_mode_where_it_was_named(string name)
    {
        using var folder = new TempFolder();
        var keys = Path.Combine(folder.Path, name, "private");
        var credentials = Path.Combine(keys, "credentials.json");

        var run = DemoCommandTests.RunCli("extract", "--lake", Path.Combine(folder.Path, "lake"), "--saved-tracks", "--credentials", credentials);

        Assert.Equal(ExitCodes.NoInput, run.ExitCode);
        RunByBash(Between(run.Errors, "'mkdir -p ", "', write the file", include: "mkdir -p "));
        Assert.True(Directory.Exists(keys), run.Errors);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        File.WriteAllText(credentials, "{}");
        File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        RunByBash(Between(run.Errors, "then 'chmod 600 ", "'. 'spotify-etl auth login", include: "chmod 600 "));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials));
    }

    /// <summary>The command a message sets between <paramref name="start"/> and the last <paramref name="end"/>, from <paramref name="include"/> on.</summary>
    private static string Between(string message, string start, string end, string include)
    {
        var at = message.IndexOf(start, StringComparison.Ordinal);
        var to = message.LastIndexOf(end, StringComparison.Ordinal);
        Assert.True(at >= 0 && to > at, message);
        return message[(at + start.Length - include.Length)..to];
    }
}
