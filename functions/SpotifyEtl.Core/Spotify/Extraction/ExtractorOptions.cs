using System.Globalization;

namespace SpotifyEtl.Spotify.Extraction;

public sealed record ExtractorOptions
{
    /// <summary>Environment variable (and config key <c>topItemsLimit</c>) for <see cref="TopItemsLimit"/>.</summary>
    public const string TopItemsLimitVariable = StackContract.ExtractEnvironment.TopItemsLimit;

    /// <summary>Environment variable (and config key <c>savedTracksFullPassDays</c>) for <see cref="SavedTracksFullPassDays"/>.</summary>
    public const string SavedTracksFullPassDaysVariable = StackContract.ExtractEnvironment.SavedTracksFullPassDays;

    /// <summary>Environment variable for <see cref="SnapshotRelandDays"/>, which the stack sets from its raw objects' expiry.</summary>
    public const string SnapshotRelandDaysVariable = StackContract.ExtractEnvironment.SnapshotRelandDays;

    /// <summary>Environment variable for <see cref="Market"/>.</summary>
    public const string MarketVariable = StackContract.ExtractEnvironment.Market;

    public const int DefaultTopItemsLimit = 50;
    public const int MaxTopItemsLimit = 1000;
    public const int DefaultSavedTracksFullPassDays = 7;
    public const int MaxSavedTracksFullPassDays = 365;
    public const int MaxSnapshotRelandDays = 36500;

    /// <summary>Sources extracted at the same time; Spotify's rate limit is per app, so keep it small.</summary>
    public int MaxConcurrency { get; init; } = 2;

    /// <summary>
    /// A guard against a paging loop: a source stops past this many pages unless its list's own <c>total</c> needs more
    /// (a saved library has no size limit); a playlist, which holds at most 10,000 items, stops past 201 pages whatever its
    /// <c>total</c> says.
    /// </summary>
    public int MaxPagesPerSource { get; init; } = 1000;

    /// <summary>Optional <c>market</c> parameter for playlist items.</summary>
    public string? Market { get; init; }

    /// <summary>How many items of each top list to read (Spotify serves at most 50 a page).</summary>
    public int TopItemsLimit { get; init; } = DefaultTopItemsLimit;

    /// <summary>Days between full passes over saved tracks (they notice removals); the days between page only the new saves.</summary>
    public int SavedTracksFullPassDays { get; init; } = DefaultSavedTracksFullPassDays;

    /// <summary>
    /// Days after which an unchanged playlist's items, or an unchanged top list, are read and landed again, 0 for never: on a
    /// stack whose raw snapshots expire (rawExpirationDays), what nobody changes would otherwise keep its only raw copy until
    /// the expiry deletes it (<see cref="SnapshotAge"/>).
    /// </summary>
    public int SnapshotRelandDays { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Whether a run may look for the manifests of earlier runs, to name itself apart from them after a clock stepped back: the
    /// local lake may; the extract function's role on S3 writes manifests and never reads them (each look would be refused, a
    /// denied request in the account's trail every run), and a Lambda's clock is kept by AWS.
    /// </summary>
    public bool ManifestsReadable { get; init; } = true;

    /// <summary>Receives one JSON line per source (stdout on Lambda). Never given a token or a secret.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Receives a warning about the run as a whole, as a sentence for a person (the command line's stderr).</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Told the run's id once it is named, before anything lands: whatever fails after, the caller can say which run failed.</summary>
    public Action<string>? RunNamed { get; init; }

    /// <summary>Throws <see cref="SpotifyConfigurationException"/> naming the first setting out of range.</summary>
    public ExtractorOptions Validated()
    {
        CheckRange(TopItemsLimitVariable, TopItemsLimit, 1, MaxTopItemsLimit);
        CheckRange(SavedTracksFullPassDaysVariable, SavedTracksFullPassDays, 1, MaxSavedTracksFullPassDays);
        CheckRange(SnapshotRelandDaysVariable, SnapshotRelandDays, 0, MaxSnapshotRelandDays);
        return this;
    }

    /// <summary>
    /// The settings the stack passes to the extract function (<c>SPOTIFY_MARKET</c>, <c>SPOTIFY_TOP_ITEMS_LIMIT</c>,
    /// <c>SPOTIFY_SAVED_TRACKS_FULL_PASS_DAYS</c>, <c>SPOTIFY_SNAPSHOT_RELAND_DAYS</c>); unset means the default. A value that is not a whole
    /// number in range throws <see cref="SpotifyConfigurationException"/> naming the variable.
    /// </summary>
    public static ExtractorOptions FromEnvironment(Func<string, string?> getVariable) => new()
    {
        Market = getVariable(MarketVariable) is { Length: > 0 } market ? market : null,
        TopItemsLimit = ReadSetting(getVariable, TopItemsLimitVariable, DefaultTopItemsLimit, 1, MaxTopItemsLimit),
        SavedTracksFullPassDays = ReadSetting(getVariable, SavedTracksFullPassDaysVariable, DefaultSavedTracksFullPassDays, 1, MaxSavedTracksFullPassDays),
        SnapshotRelandDays = ReadSetting(getVariable, SnapshotRelandDaysVariable, 0, 0, MaxSnapshotRelandDays),
    };

    private static int ReadSetting(Func<string, string?> getVariable, string variable, int fallback, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var text = getVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new SpotifyConfigurationException($"{variable}='{text}' is not a whole number; set it to one between {min} and {max}.");
        }
        CheckRange(variable, value, min, max);
        return value;
    }

    private static void CheckRange(string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            throw new SpotifyConfigurationException($"{name} is {value}; it must be between {min} and {max}.");
        }
    }
}
