using System.CommandLine;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Commands;

/// <summary>Options several verbs share, so that they read the same everywhere.</summary>
internal static class CliOptions
{
    /// <param name="onS3">What to say of an s3:// --lake, given the value: by default, where a lake on S3 is read and transformed instead.</param>
    public static Option<DirectoryInfo> Lake(bool required = true, string? defaultPath = null, Func<string, string>? onS3 = null)
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
        // A bucket would otherwise be read as a folder named "s3:" and reported missing.
        option.Validators.Add(result =>
        {
            if (BucketIn(result) is { } text)
            {
                result.AddError(onS3?.Invoke(text) ?? $"--lake {text}: this verb works on a local folder. Of a lake on S3, 'spotify-etl report --lake {text}' shows the named " +
                    "queries' answers, Athena runs them (the stack's workgroup holds them), and the Lambda functions transform it.");
            }
        });
        return option;
    }

    /// <summary>
    /// The first of a local path's values that names a bucket (s3://...), which would otherwise be read as a folder named
    /// "s3:" in the current folder: created and written, or reported missing under a path the user never typed.
    /// </summary>
    public static string? BucketIn(System.CommandLine.Parsing.SymbolResult result) =>
        result.Tokens.Select(token => token.Value).FirstOrDefault(value => value.StartsWith("s3://", StringComparison.OrdinalIgnoreCase));

    /// <summary>--verbose, on every verb: errors come with their stack trace.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Print the stack trace of an error, for a bug report.",
        Recursive = true,
    };

    /// <summary>Whether --verbose was given; false for a verb parsed on its own (as tests do), without the root's option.</summary>
    public static bool IsVerbose(ParseResult parsed) => parsed.GetResult(Verbose)?.GetValueOrDefault<bool>() == true;

    /// <summary>--json: one JSON object on stdout instead of the tables, for scripts.</summary>
    public static Option<bool> Json(string description = "Print one JSON object on stdout instead of the tables (for scripts).") =>
        new("--json") { Description = description };

    /// <summary>Ten years of daily snapshots: the most days a sample made with --large has.</summary>
    public const int LargeSampleDays = 3653;

    /// <summary>The most entries per playlist of a sample made with --large.</summary>
    public const int LargeSampleItems = 100_000;

    /// <summary>Days of a sample: a year at most (a day of the default sample is about 80 KiB), ten years with --large.</summary>
    public static Option<int> SampleDays(string description, Option<bool>? large = null) =>
        Bounded("--days", description, 7, 1, 366, large is null ? null : LargeSampleDays);

    /// <summary>Entries per playlist: Spotify's own limit on a playlist is 10,000; 100,000 with --large.</summary>
    public static Option<int> SampleItems(string description, Option<bool>? large = null) =>
        Bounded("--items", description, 60, 1, 10_000, large is null ? null : LargeSampleItems);

    /// <summary>--large: the explicit way past the sample's everyday bounds, for backfill rehearsals and benchmarks.</summary>
    public static Option<bool> Large() => new("--large")
    {
        Description = $"Allow --days up to {LargeSampleDays:N0} (multi-year backfills) and --items up to {LargeSampleItems:N0} (benchmarks). " +
                      "Such samples take gigabytes (about 5 to 8 KB per entry for each day); the size is checked against the free disk space first.",
    };

    /// <summary>Adds the check that values past an option's everyday bound come with --large.</summary>
    public static void RequireLarge(Command command, Option<bool> large, params (Option<int> Option, int Max, int LargeMax)[] bounded)
    {
        command.Validators.Add(result =>
        {
            if (result.GetValue(large))
            {
                return;
            }
            foreach (var (option, max, largeMax) in bounded)
            {
                // Read from the tokens: a value that did not parse has its own error already.
                var tokens = result.GetResult(option)?.Tokens;
                if (tokens is [var token] && int.TryParse(token.Value, System.Globalization.NumberStyles.Integer,
                        System.Globalization.CultureInfo.InvariantCulture, out var value) && value > max && value <= largeMax)
                {
                    result.AddError($"{option.Name} above {max:N0} needs --large, the explicit opt-in to a sample of gigabytes (see 'spotify-etl sample --help').");
                }
            }
        });
    }

    /// <summary>
    /// --seed of a sample: 0 or more. .NET's seeded Random takes a seed's absolute value, so -5 would give the sample of 5
    /// (its saved tracks and top lists aside): every seed allowed is a sample of its own.
    /// </summary>
    public static Option<int> Seed(string description) => Bounded("--seed", description, 42, 0, int.MaxValue);

    /// <summary>A whole number between <paramref name="min"/> and <paramref name="max"/>; anything else is a usage error that names the range.</summary>
    /// <param name="largeMax">Where given, values up to it parse, and <see cref="RequireLarge"/> asks for --large past <paramref name="max"/>.</param>
    public static Option<int> Bounded(string name, string description, int defaultValue, int min, int max, int? largeMax = null) => new(name)
    {
        // The help adds "[default: N]" itself.
        Description = largeMax is null
            ? $"{description} ({min}-{max})"
            : $"{description} ({min}-{max}, up to {largeMax} with --large)",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
            if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min || value > (largeMax ?? max))
            {
                result.AddError(largeMax is null
                    ? $"{name} must be a whole number from {min} to {max}, not '{text}'."
                    : $"{name} must be a whole number from {min} to {max} (to {largeMax} with --large), not '{text}'.");
                return defaultValue;
            }
            return value;
        },
    };

    /// <param name="description">What the option says of itself, when its default is not the lake's own format.</param>
    public static Option<TableFormat> Format(string? description = null) => new("--format")
    {
        Description = description ?? "File format of the tables: parquet or csv. Default: the lake's own, or parquet (as on AWS) for a lake with no tables yet.",
        HelpName = "parquet|csv",
        // No default value: the help would print "[default: Parquet]", which a lake of CSV tables contradicts. Unset, the
        // option reads as the enum's first value, Parquet, and each command takes the lake's own format first.
        CustomParser = result => TableFormats.Parse(result.Tokens.Count == 0 ? null : result.Tokens[0].Value) ?? Invalid(result),
    };

    private static TableFormat Invalid(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"--format must be parquet or csv, not '{(result.Tokens.Count == 0 ? "" : result.Tokens[0].Value)}'.");
        return TableFormats.Default;
    }
}
