using System.Globalization;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The exit codes <c>spotify-etl --help</c> lists (<see cref="ExitCodes.Table"/>) are those of the exit-code table of
/// docs/cli.md, one row each, in the same order: a code in one and not the other is a code a user cannot look up.
/// </summary>
public sealed class ExitCodeTableTests
{
    [Fact]
    public void The_exit_codes_of_help_are_those_of_the_guide()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "docs", "cli.md"));
        var header = Array.IndexOf(lines, "| exit | meaning |");
        Assert.True(header >= 0, "docs/cli.md has no exit-code table (| exit | meaning |)");
        // The rows below the header and its |---|---| line, up to the first line that is no row.
        var documented = lines.Skip(header + 2).TakeWhile(line => line.StartsWith('|'))
            .Select(line => int.Parse(line.Split('|')[1].Trim(), CultureInfo.InvariantCulture));

        Assert.Equal(ExitCodes.Table.Select(row => row.Code), documented);
    }

    [Fact]
    public void Help_lists_terminated_as_143_beside_interrupted_as_130()
    {
        Assert.Contains((130, "interrupted (Ctrl-C)"), ExitCodes.Table);
        Assert.Contains(ExitCodes.Table, row => row is { Code: 143 } && row.Meaning.StartsWith("terminated (SIGTERM", StringComparison.Ordinal));
        var help = DemoCommandTests.RunCli("--help");
        Assert.Contains("  143  terminated (SIGTERM", help.Output, StringComparison.Ordinal);
    }
}
