using System.Text;

namespace SpotifyEtl;

/// <summary>
/// Text from outside this tool (a file of the lake, a link or an error a server sent) as a message shows it on a
/// terminal and in a log: a control character (an escape sequence could clear or recolour the terminal, a line break
/// forge a line of its own), a line or paragraph separator and a mark that turns text around is written as its code
/// (<c>\u001b</c>), and the text is cut short. Invalid UTF-8 never reaches it as such: decoders read it as U+FFFD.
/// </summary>
public static class ShownText
{
    /// <summary><paramref name="text"/> as a message shows it: each unsafe character escaped, at most <paramref name="length"/> characters and an ellipsis.</summary>
    public static string Of(string text, int length)
    {
        var shown = new StringBuilder(Math.Min(text.Length, length) + 1);
        foreach (var character in text)
        {
            if (shown.Length >= length)
            {
                return shown.Append('…').ToString();
            }
            if (IsUnsafe(character))
            {
                shown.Append($"\\u{(int)character:x4}");
            }
            else
            {
                shown.Append(character);
            }
        }
        return shown.ToString();
    }

    /// <summary>
    /// Whether a character may act on a terminal or hide what follows it: the controls (C0, DEL, C1), the line and
    /// paragraph separators, and the marks that embed, override or isolate a direction of text.
    /// </summary>
    public static bool IsUnsafe(char character) =>
        char.IsControl(character) || character is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
