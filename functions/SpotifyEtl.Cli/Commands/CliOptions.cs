using System.CommandLine;

namespace SpotifyEtl.Cli.Commands;

/// <summary>Options several verbs share, so that they read the same everywhere.</summary>
internal static class CliOptions
{
    public static Option<DirectoryInfo> Lake(bool required = true, string? defaultPath = null)
    {
        var option = new Option<DirectoryInfo>("--lake")
        {
            Description = "The local lake: a folder laid out like the S3 buckets (raw/, transformed/, ...).",
            Required = required && defaultPath is null,
        };
        if (defaultPath is not null)
        {
            option.DefaultValueFactory = _ => new DirectoryInfo(defaultPath);
        }
        return option;
    }

    /// <summary>--verbose, on every verb: errors come with their stack trace.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Print the stack trace of an error, for a bug report.",
        Recursive = true,
    };

    /// <summary>Whether --verbose was given; false for a verb parsed on its own (as tests do), without the root's option.</summary>
    public static bool IsVerbose(ParseResult parsed) => parsed.GetResult(Verbose)?.GetValueOrDefault<bool>() == true;

    /// <summary>--json: one JSON object on stdout instead of the tables, for scripts.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object on stdout instead of the tables (for scripts)." };

    /// <summary>Days of a sample: a year at most (a day of the default sample is about 80 KiB).</summary>
    public static Option<int> SampleDays(string description) => Bounded("--days", description, 7, 1, 366);

    /// <summary>Entries per playlist: Spotify's own limit on a playlist is 10,000.</summary>
    public static Option<int> SampleItems(string description) => Bounded("--items", description, 60, 1, 10_000);

    /// <summary>A whole number between <paramref name="min"/> and <paramref name="max"/>; anything else is a usage error that names the range.</summary>
    public static Option<int> Bounded(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = $"{description} ({min}-{max}, default {defaultValue})",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
            if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                result.AddError($"{name} must be a whole number from {min} to {max}, not '{text}'.");
                return defaultValue;
            }
            return value;
        },
    };
}
