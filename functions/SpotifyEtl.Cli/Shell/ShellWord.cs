namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// A path as one word of a command the tool tells the user to run: as it is when a POSIX shell reads it so, else in
/// double quotes with <c>\</c>, <c>"</c>, <c>$</c> and <c>`</c> escaped (and <c>!</c> outside them). The commands in messages are set between single
/// quotes ('spotify-etl transform --lake "/home/ana/My Lake"'), which a path quoted in single quotes would end.
/// </summary>
internal static class ShellWord
{
    /// <summary>
    /// This tool as a shell starts it again: its path where it was started as spotify-etl (a build's output, which no PATH
    /// holds, or artifacts/cli/), its name where a runtime hosts it.
    /// </summary>
    public static string Tool => Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "spotify-etl" ? Of(Environment.ProcessPath!) : "spotify-etl";

    public static string Of(string path)
    {
        if (path.Length > 0 && path.All(Plain))
        {
            return path;
        }
        var quoted = new System.Text.StringBuilder(path.Length + 2).Append('"');
        foreach (var c in path)
        {
            if (c == '!')
            {
                // Outside the quotes, escaped: an interactive bash or zsh expands history at a "!" even between double quotes.
                quoted.Append("\"\\!\"");
                continue;
            }
            if (c is '\\' or '"' or '$' or '`')
            {
                quoted.Append('\\');
            }
            quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    /// <summary>What a shell reads as itself anywhere in a word (~ and = are left out: a shell expands a word that begins with either).</summary>
    private static bool Plain(char c) => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ',' or ':' or '@' or '%';
}
