using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// spotify-etl under a pseudo-terminal of <see cref="Columns"/> columns (util-linux <c>script</c>), so that what it writes
/// to a terminal is drawn as on one; a shell redirection can send its stdout or stderr elsewhere, to a file or /dev/null.
/// </summary>
internal static partial class PseudoTerminal
{
    public const int Columns = 100;

    /// <summary>Every byte the terminal received, as text; a run that fails fails the test.</summary>
    public static string Run(string redirection, params string[] arguments) => Run(new Dictionary<string, string>(), redirection, arguments);

    /// <summary><see cref="Run(string, string[])"/>, with extra environment variables.</summary>
    public static string Run(IReadOnlyDictionary<string, string> environment, string redirection, params string[] arguments) =>
        RunAt(Columns, environment, redirection, arguments);

    /// <summary><see cref="Run(string, string[])"/> on a terminal of <paramref name="columns"/> columns (<see cref="Screen"/> draws <see cref="Columns"/>).</summary>
    public static string RunAt(int columns, IReadOnlyDictionary<string, string> environment, string redirection, params string[] arguments)
    {
        var cli = SpotifyEtlProcess.StartInfo(arguments);
        var command = string.Join(' ', new[] { cli.FileName }.Concat(cli.ArgumentList).Select(Quoted));
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in (string[])["-q", "-e", "-c", $"stty cols {columns} rows 40; {command} {redirection}", "/dev/null"])
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        start.Environment["TERM"] = "xterm-256color";
        start.Environment.Remove("NO_COLOR");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "spotify-etl still ran after 3 minutes");
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {WithoutEscapes(output.Result)}{errors.Result}");
        return output.Result;
    }

    /// <summary>The text without its escape sequences: every frame a display drew is still in it, one after the other.</summary>
    public static string WithoutEscapes(string received) => Escapes().Replace(received, "");

    /// <summary>
    /// The screen once everything received is drawn, as text: each line with its trailing blanks removed, blank lines at the end
    /// left out. A line overwritten or cleared shows only what is on it at the end. The buffer never scrolls away.
    /// </summary>
    public static string Screen(string received)
    {
        var lines = new List<char[]> { Blank() };
        var (row, column) = (0, 0);
        for (var i = 0; i < received.Length; i++)
        {
            var c = received[i];
            if (c == '\u001b')
            {
                var escape = Escapes().Match(received, i);
                Assert.True(escape.Success && escape.Index == i, $"an escape sequence the screen does not know at {i}");
                (row, column) = Apply(escape.Value, lines, row, column);
                i += escape.Length - 1;
                continue;
            }
            switch (c)
            {
                case '\r':
                    column = 0;
                    break;
                case '\n':
                    row++;
                    break;
                case < ' ':
                    break;
                default:
                    // A character past the last column goes to the start of the next line.
                    if (column >= Columns)
                    {
                        (row, column) = (row + 1, 0);
                    }
                    Line(lines, row)[column++] = c;
                    break;
            }
        }
        var text = lines.Select(line => new string(line).TrimEnd()).ToList();
        while (text.Count > 0 && text[^1].Length == 0)
        {
            text.RemoveAt(text.Count - 1);
        }
        return string.Join('\n', text);
    }

    /// <summary>Moves the cursor or clears as the sequence says; colours and modes change nothing on the screen's text.</summary>
    private static (int Row, int Column) Apply(string escape, List<char[]> lines, int row, int column)
    {
        var csi = Csi().Match(escape);
        if (!csi.Success)
        {
            return (row, column);
        }
        var parameter = csi.Groups[1].Value;
        var n = int.TryParse(parameter, out var value) ? value : 0;
        switch (csi.Groups[2].Value)
        {
            case "A":
                return (Math.Max(0, row - Math.Max(1, n)), column);
            case "B":
                return (row + Math.Max(1, n), column);
            case "C":
                return (row, Math.Min(Columns - 1, column + Math.Max(1, n)));
            case "D":
                return (row, Math.Max(0, column - Math.Max(1, n)));
            case "G":
                return (row, Math.Clamp(n - 1, 0, Columns - 1));
            case "K":
                var line = Line(lines, row);
                var (from, to) = n switch { 1 => (0, Math.Min(column + 1, Columns)), 2 => (0, Columns), _ => (Math.Min(column, Columns), Columns) };
                Array.Fill(line, ' ', from, to - from);
                return (row, column);
            case "m" or "h" or "l":
                return (row, column);
            default:
                Assert.Fail($"a control sequence the screen does not know: ESC{escape[1..]}");
                return (row, column);
        }
    }

    private static char[] Line(List<char[]> lines, int row)
    {
        while (lines.Count <= row)
        {
            lines.Add(Blank());
        }
        return lines[row];
    }

    private static char[] Blank() => Enumerable.Repeat(' ', Columns).ToArray();

    private static string Quoted(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A control sequence, an operating system command, a keypad mode (ESC =, ESC >) or a character set (ESC ( B).</summary>
    [GeneratedRegex(@"\u001b(\[[0-9;?]*[ -/]*[@-~]|\][^\u0007]*\u0007|[=>]|[()][0-9A-Za-z])")]
    private static partial Regex Escapes();

    [GeneratedRegex(@"^\u001b\[\??([0-9;]*)[ -/]*([@-~])$")]
    private static partial Regex Csi();
}
