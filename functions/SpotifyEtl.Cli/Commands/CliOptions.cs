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

    public static Option<int> Positive(string name, string description, int defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<int>() < 1)
                {
                    result.AddError($"{name} must be 1 or more.");
                }
            },
        },
    };
}
