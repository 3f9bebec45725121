using Spectre.Console;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// The consoles of the process. Colour and ANSI only on a terminal and without NO_COLOR; tables that
/// go to a file or a pipe are plain text, wide enough not to wrap. Progress goes to stderr, and only
/// when stderr is a terminal.
/// </summary>
internal static class Consoles
{
    public static bool NoColor => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>Tables and summaries: stdout.</summary>
    public static IAnsiConsole Output { get; } = Create(Console.Out, Console.IsOutputRedirected);

    /// <summary>Progress: stderr, interactive only when stderr is a terminal.</summary>
    public static IAnsiConsole Progress { get; } = Create(Console.Error, Console.IsErrorRedirected);

    public static bool ShowProgress => !Console.IsErrorRedirected;

    /// <summary>
    /// A line written whole, as a person copies it or a script reads it (a command, a path): the console's own WriteLine
    /// breaks a line longer than its width between words, 200 columns in a pipe, with a line break inside a path.
    /// </summary>
    public static void WriteWhole(this IAnsiConsole console, string line) => console.Profile.Out.Writer.WriteLine(line);

    public static bool OutputRedirected => Console.IsOutputRedirected;

    public static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var plain = redirected || NoColor;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(writer),
        });
        if (redirected)
        {
            console.Profile.Width = 200;
        }
        return console;
    }
}
