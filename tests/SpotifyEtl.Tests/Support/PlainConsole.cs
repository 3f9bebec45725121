using Spectre.Console;

namespace SpotifyEtl.Tests.Support;

/// <summary>A terminal of a given width with no colour and no escape codes: what a table drawn on it looks like, as text.</summary>
internal static class PlainConsole
{
    public static string Draw(int width, Action<IAnsiConsole> write, bool unicode = true)
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        console.Profile.Capabilities.Unicode = unicode;
        write(console);
        return output.ToString();
    }
}
