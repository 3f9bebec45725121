using System.CommandLine;
using System.CommandLine.Parsing;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// A path given as <c>-</c>, which many tools read as standard input or output: here a lake, an input, a sample's folder
/// or a credentials file would be a file or folder named <c>-</c> in the current folder (<c>sample --out -</c> made
/// <c>./-/raw</c>), or reported missing under a name the user never meant as one. Refused, saying how to name such a
/// folder; <c>report --out -</c>, which writes the page to stdout, is the one path that takes it.
/// </summary>
internal static class DashPath
{
    private static readonly Type[] PathTypes = [typeof(DirectoryInfo), typeof(FileInfo), typeof(FileSystemInfo), typeof(FileSystemInfo[])];

    /// <summary>The message for the first path option or argument given as <c>-</c>; null when there is none.</summary>
    public static string? Find(ParseResult parsed)
    {
        foreach (var child in parsed.CommandResult.Children)
        {
            var (name, type, tokens) = child switch
            {
                OptionResult option => (option.Option.Name, option.Option.ValueType, option.Tokens),
                ArgumentResult argument => ($"<{argument.Argument.Name}>", argument.Argument.ValueType, argument.Tokens),
                _ => ("", typeof(void), (IReadOnlyList<Token>)[]),
            };
            // report's --lake is text (a folder or an s3:// bucket), a path all the same.
            if (!(PathTypes.Contains(type) || name == "--lake") || !tokens.Any(token => token.Value == "-") || (parsed.CommandResult.Command.Name == "report" && name == "--out"))
            {
                continue;
            }
            return $"{name} -: '-' is no standard input or output here: {name} is a path. For a file or folder named '-', write ./-.";
        }
        return null;
    }
}
