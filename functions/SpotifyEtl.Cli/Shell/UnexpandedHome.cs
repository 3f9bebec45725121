namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// <c>--lake=~/spotify</c> (or <c>--lake:~/spotify</c>): a shell expands <c>~</c> only where a word begins (and in a variable's assignment), so the
/// tool receives the <c>~</c> itself and the path would name a folder called <c>~</c> in the current folder: the lake
/// lands where no later <c>--lake ~/spotify</c> finds it, and removing that folder with <c>rm -r ~</c> would remove the
/// home folder. Such an option is refused, saying how to write it.
/// </summary>
internal static class UnexpandedHome
{
    /// <summary>The message for the first <c>--option=~</c>, <c>--option=~/...</c> or the same with a colon among <paramref name="args"/>; null when there is none.</summary>
    public static string? Find(IEnumerable<string> args)
    {
        foreach (var arg in args)
        {
            if (arg == "--")
            {
                return null;
            }
            // The parser splits "--option=value" and "--option:value" alike, at the first of the two.
            var separator = arg.AsSpan().IndexOfAny('=', ':');
            if (!arg.StartsWith("--", StringComparison.Ordinal) || separator < 0)
            {
                continue;
            }
            var (option, value) = (arg[..separator], arg[(separator + 1)..]);
            if (value == "~" || value.StartsWith("~/", StringComparison.Ordinal))
            {
                var rest = value.Length > 1 ? value[1..] : "";
                return $"{arg}: the shell does not expand ~ after '{arg[separator]}', so this would name a folder called '~' in the current folder. " +
                       $"Write {option} ~{rest} (a space instead of '{arg[separator]}'), or {option}=$HOME{rest}.";
            }
        }
        return null;
    }
}
