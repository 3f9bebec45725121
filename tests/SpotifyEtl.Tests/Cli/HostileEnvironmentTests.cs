using System.Diagnostics;
using System.Text;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The tool run from a shell whose settings are not the usual ones: a locale of another charset, a current folder removed
/// after the shell entered it, a umask that shares every new file. Each gives the output, the error and the folders it
/// would give in the usual shell.
/// </summary>
public sealed class HostileEnvironmentTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A locale whose charset is Latin-1 or ASCII: the JSON a script reads is UTF-8 all the same, every name whole.</summary>
    [Theory]
    [InlineData("de_DE.ISO-8859-1")]
    [InlineData("en_US.ISO8859-1")]
    [InlineData("fr_FR.latin1")]
    [InlineData("en_US.ASCII")]
    public void Json_is_utf8_whatever_charset_the_locale_names(string locale)
    {
        var lake = _folder["lake"];
        if (!Directory.Exists(lake))
        {
            Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2", "--items", "200").ExitCode);
            Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        }
        var utf8 = DemoCommandTests.RunCli(new Dictionary<string, string> { ["LC_ALL"] = "C.UTF-8", ["LANG"] = "C.UTF-8" }, "query", "--lake", lake, "--json");
        Assert.True(utf8.ExitCode == 0, utf8.Errors);
        Assert.Contains(utf8.Output, character => character > '\u00ff');

        var run = DemoCommandTests.RunCli(new Dictionary<string, string> { ["LC_ALL"] = locale, ["LANG"] = locale }, "query", "--lake", lake, "--json");

        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.Equal(utf8.Output, run.Output);
    }

    /// <summary>
    /// The current folder removed after the shell entered it: a relative path is named as what cannot be read, with what
    /// to do (exit 66), never an abort with a stack trace; a whole path is read as anywhere else.
    /// </summary>
    [Fact]
    public void A_removed_current_folder_is_named_for_a_relative_path_and_a_whole_path_still_works()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // a folder in use cannot be removed there
        }
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "1", "--items", "20").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);

        var whole = InRemovedFolder("query", "--lake", lake, "--json");

        // Read while the command line is (a --lake), or only once the verb runs (import's PATH).
        foreach (var relative in new[] { InRemovedFolder("query", "--lake", "lake"), InRemovedFolder("import", "export.zip", "--lake", lake) })
        {
            Assert.True(relative.ExitCode == 66, $"exit {relative.ExitCode}: {relative.Errors}");
            Assert.Contains("the current folder no longer exists", relative.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", relative.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled", relative.Errors, StringComparison.Ordinal);
        }
        Assert.True(whole.ExitCode == 0, whole.Errors);
    }

    /// <summary>
    /// A umask of 000 (every new file shared with every user): the cache folders the tool makes for DuckDB's library are
    /// this user's alone all the same, so the next run, whatever its umask, does not refuse them as shared.
    /// </summary>
    [Fact]
    public void The_cache_folders_made_under_a_umask_of_000_are_this_users_alone_and_taken_again()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no umask there
        }
        var lake = _folder["lake"];
        var home = _folder["home"];
        Directory.CreateDirectory(home);
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "1", "--items", "20").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);

        var shared = InShell("umask 000", home, "query", "--lake", lake, "--json");
        var usual = InShell("umask 022", home, "query", "--lake", lake, "--json");
        // A cache named by XDG_CACHE_HOME, none of whose folders is there yet.
        var deep = Path.Combine(home, "deep", "cache");
        var named = InShell($"umask 000 && export XDG_CACHE_HOME={Quote(deep)}", home, "query", "--lake", lake, "--json");
        Assert.True(named.ExitCode == 0, named.Errors);

        Assert.True(shared.ExitCode == 0, shared.Errors);
        Assert.True(usual.ExitCode == 0, usual.Errors);
        if (!Directory.Exists(Path.Combine(home, ".cache")) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SpotifyEtlProcess.Variable)))
        {
            return; // the build output loads DuckDB's library from beside it: only the packaged tool (make cli, which make test runs) unpacks one
        }
        foreach (var folder in new[] { Path.Combine(home, ".cache"), Path.Combine(home, ".cache", "spotify-etl"), Path.Combine(home, "deep"), deep, Path.Combine(deep, "spotify-etl") })
        {
            var mode = File.GetUnixFileMode(folder);
            Assert.True((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0, $"{folder} is {mode}");
        }
    }

    /// <summary>Runs the tool from a folder removed just before (by the shell that then starts it).</summary>
    private (int ExitCode, string Output, string Errors) InRemovedFolder(params string[] arguments)
    {
        var gone = _folder["gone"];
        Directory.CreateDirectory(gone);
        return InShell($"cd {Quote(gone)} && rmdir {Quote(gone)}", home: null, arguments);
    }

    /// <summary>Runs the tool through /bin/sh after <paramref name="prelude"/>, with HOME set to <paramref name="home"/> and no XDG_CACHE_HOME.</summary>
    private static (int ExitCode, string Output, string Errors) InShell(string prelude, string? home, params string[] arguments)
    {
        var tool = SpotifyEtlProcess.StartInfo(arguments);
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"{prelude} && exec \"$@\"");
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(tool.FileName);
        foreach (var argument in tool.ArgumentList)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in tool.Environment)
        {
            start.Environment[name] = value;
        }
        if (home is not null)
        {
            start.Environment["HOME"] = home;
            start.Environment.Remove("XDG_CACHE_HOME");
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors);
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
