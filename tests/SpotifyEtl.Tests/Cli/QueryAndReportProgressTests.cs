using System.Globalization;
using System.Text.RegularExpressions;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// query and report on a terminal: stderr names the named query that runs, n of N, and the display is cleared before the
/// tables (or the report's line) are printed, so the screen ends as it does with no display. The display is for a terminal's
/// stderr alone: stdout, a stderr that is no terminal, and --json get the same bytes with it as without it.
/// </summary>
public sealed partial class QueryAndReportProgressTests(QueryAndReportProgressTests.SmallLake small)
    : IClassFixture<QueryAndReportProgressTests.SmallLake>, IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A sample lake of a few weeks, transformed by the tool, shared by the tests (none of them writes to it but the report's page).</summary>
    public sealed class SmallLake : IDisposable
    {
        private readonly TempFolder _folder = new();

        public SmallLake()
        {
            Lake = _folder["lake"];
            foreach (var arguments in (string[][])[["sample", "--out", Lake, "--days", "20", "--items", "60"], ["transform", "--lake", Lake]])
            {
                var run = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(3), arguments);
                Assert.True(run.ExitCode == 0, run.Output + run.Errors);
            }
        }

        public string Lake { get; }

        public void Dispose() => _folder.Dispose();
    }

    [Fact]
    public void Query_on_a_terminal_names_the_query_running_n_of_N_and_its_tables_end_as_without_the_display()
    {
        var shown = PseudoTerminal.Run("", "query", "--lake", small.Lake);
        var without = PseudoTerminal.Run("2>/dev/null", "query", "--lake", small.Lake);

        var steps = Steps(shown, "Running the named queries");
        Assert.All(steps, step => Assert.Contains(step.Name, NamedQueries()));
        Assert.All(steps, step => Assert.Equal(NamedQueries().Count, step.Of));
        Assert.Equal(steps[^1].Of, steps[^1].Number);
        Assert.Equal(PseudoTerminal.Screen(without), PseudoTerminal.Screen(shown));
        Assert.Contains("top_tracks: ", PseudoTerminal.Screen(shown), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_on_a_terminal_names_the_query_running_n_of_N_and_its_line_ends_as_without_the_display()
    {
        var page = _folder["report.html"];
        var shown = PseudoTerminal.Run("", "report", "--lake", small.Lake, "--out", page);
        var pageShown = File.ReadAllBytes(page);
        var without = PseudoTerminal.Run("2>/dev/null", "report", "--lake", small.Lake, "--out", page);

        var steps = Steps(shown, "Running the report's queries");
        Assert.All(steps, step => Assert.Contains(step.Name, NamedQueries()));
        Assert.Equal(steps[^1].Of, steps[^1].Number);
        // One line, wrapped where the terminal's width ends it: inside the path, or at the space before a path too long
        // for the rest of the line, which the wrap takes.
        var reportLine = PseudoTerminal.Screen(shown).Replace("\n", "", StringComparison.Ordinal);
        Assert.True(reportLine == $"Report: {page}" || reportLine == $"Report:{page}", reportLine);
        Assert.Equal(PseudoTerminal.Screen(without), PseudoTerminal.Screen(shown));
        Assert.Equal(File.ReadAllBytes(page), pageShown);
    }

    /// <summary>
    /// On a terminal of any width, each frame of the display is one line: its description is cut to leave the bar and the
    /// percentage their room, never wrapped onto lines that every frame would add to.
    /// </summary>
    [Theory]
    [InlineData("report", 80)]
    [InlineData("query", 72)]
    [InlineData("report", 60)]
    [InlineData("query", 130)]
    public void Each_frame_of_the_display_is_one_line_on_a_terminal_of_any_width(string verb, int columns)
    {
        string[] arguments = verb == "report" ? [verb, "--lake", small.Lake, "--out", _folder["report.html"]] : [verb, "--lake", small.Lake];

        var shown = PseudoTerminal.RunAt(columns, new Dictionary<string, string>(), "> /dev/null", arguments);

        var frames = PseudoTerminal.WithoutEscapes(shown).Split('\n', '\r').Where(line => line.Contains("Running the", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(frames);
        Assert.All(frames, frame =>
        {
            Assert.Matches(@"\d+%", frame);
            Assert.InRange(System.Globalization.StringInfo.ParseCombiningCharacters(frame.TrimEnd()).Length, 1, columns);
        });
    }

    [Theory]
    [InlineData("query")]
    [InlineData("report")]
    public void Stdout_and_a_stderr_that_is_no_terminal_get_the_same_bytes_as_without_the_display(string verb)
    {
        string[] arguments = verb == "report" ? [verb, "--lake", small.Lake, "--out", _folder["report.html"]] : [verb, "--lake", small.Lake];
        var (stdout, stderr) = (_folder["stdout.txt"], _folder["stderr.txt"]);

        // stderr the terminal, stdout a file: the display is drawn, and the file gets what a pipe gets.
        var onTheTerminal = PseudoTerminal.Run($"> '{stdout}'", arguments);
        // stdout the terminal, stderr a file: nothing is drawn, and the file stays empty.
        var stdoutOnTheTerminal = PseudoTerminal.Run($"2> '{stderr}'", arguments);
        var piped = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(3), arguments);

        Assert.NotEmpty(Steps(onTheTerminal, verb == "report" ? "Running the report's queries" : "Running the named queries"));
        Assert.Equal(0, piped.ExitCode);
        Assert.Equal("", piped.Errors);
        Assert.Equal(piped.Output, File.ReadAllText(stdout));
        Assert.Equal("", File.ReadAllText(stderr));
        Assert.DoesNotContain("Running", stdoutOnTheTerminal, StringComparison.Ordinal);
        Assert.Equal(PseudoTerminal.Screen(PseudoTerminal.Run("2>/dev/null", arguments)), PseudoTerminal.Screen(stdoutOnTheTerminal));
    }

    [Fact]
    public void Query_json_shows_the_display_on_a_terminal_as_every_verb_does_and_stdout_holds_the_json_alone()
    {
        var json = _folder["answers.json"];
        var shown = PseudoTerminal.Run($"> '{json}'", "query", "--lake", small.Lake, "--json");
        var piped = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(3), "query", "--lake", small.Lake, "--json");

        Assert.Equal(NamedQueries().Count, Steps(shown, "Running the named queries")[^1].Of);
        Assert.Equal("", PseudoTerminal.Screen(shown));
        Assert.Equal("", piped.Errors);
        Assert.Equal(piped.Output, File.ReadAllText(json));
        using var parsed = System.Text.Json.JsonDocument.Parse(piped.Output);
        Assert.Equal(NamedQueries().Count, parsed.RootElement.GetArrayLength());
    }

    /// <summary>Every step the display drew, in order: "description: n/N (name)".</summary>
    private static List<(int Number, int Of, string Name)> Steps(string received, string description)
    {
        var steps = Step().Matches(PseudoTerminal.WithoutEscapes(received))
            .Where(m => m.Groups[1].Value == description)
            .Select(m => (int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), m.Groups[4].Value))
            .ToList();
        Assert.True(steps.Count > 0, $"no step of '{description}' shown: {PseudoTerminal.WithoutEscapes(received)}");
        Assert.All(steps, step => Assert.InRange(step.Item1, 1, step.Item2));
        return steps;
    }

    /// <summary>The named queries: the files of queries/.</summary>
    private static List<string> NamedQueries() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "queries"), "*.sql").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToList();

    [GeneratedRegex(@"(Running the [\w' ]+): (\d+)/(\d+) \((\w+)\)")]
    private static partial Regex Step();
}
