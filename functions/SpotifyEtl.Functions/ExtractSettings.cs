using System.Globalization;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;

namespace SpotifyEtl.Functions;

/// <summary>
/// The extract function's configuration, from its Lambda environment (names in infra/contract.json,
/// set by the stack): the raw bucket, the secret's id (never its value), the sources and their limits.
/// </summary>
internal sealed record ExtractSettings(string RawBucket, string SecretId, IReadOnlyList<ExtractionSource> Sources, TimeSpan TimeBudget, ExtractorOptions Extractor)
{
    /// <summary>Lambda stops at 15 minutes at most; without the stack's budget, stop a minute before that.</summary>
    private static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(840);

    public static ExtractSettings FromEnvironment(Func<string, string?> variable)
    {
        var bucket = Required(variable, StackContract.ExtractEnvironment.RawBucket);
        var secretId = Required(variable, StackContract.ExtractEnvironment.SecretId);
        var sources = ExtractionSource.ParseList(Required(variable, StackContract.ExtractEnvironment.Sources), StackContract.ExtractEnvironment.Sources);
        // Unset, the default; set, it must be a budget: one misread would let Lambda end a run past its timeout, before
        // it saves its state or writes its manifest, and hold the lease over the next run too.
        var budgetText = variable(StackContract.ExtractEnvironment.TimeBudgetSeconds);
        var budget = string.IsNullOrWhiteSpace(budgetText) ? DefaultBudget
            : int.TryParse(budgetText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : throw new SpotifyConfigurationException($"The environment variable {StackContract.ExtractEnvironment.TimeBudgetSeconds} is " +
                    $"'{ShownText.Of(budgetText, 40)}': it must be a whole number of seconds above 0 (the stack sets it below the extract function's timeout).");
        return new(bucket, secretId, sources, budget, ExtractorOptions.FromEnvironment(variable) with { ManifestsReadable = false });
    }

    private static string Required(Func<string, string?> variable, string name) =>
        variable(name) is { Length: > 0 } value
            ? value
            : throw new SpotifyConfigurationException($"The environment variable {name} is not set; the stack sets it on the extract function.");
}
