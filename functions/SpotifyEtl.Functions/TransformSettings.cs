using SpotifyEtl.Transformation;

namespace SpotifyEtl.Functions;

/// <summary>
/// The transform function's configuration: bucket names from its Lambda environment (set by the
/// stack), never secrets.
/// </summary>
internal sealed record TransformSettings(string RawBucket, string TransformedBucket, TableFormat Format = TableFormats.Default,
    string MetricsNamespace = StackContract.Metrics.Namespace, TimeSpan? TimeBudget = null)
{
    public const string RawBucketVariable = StackContract.TransformEnvironment.RawBucket;
    public const string TransformedBucketVariable = StackContract.TransformEnvironment.TransformedBucket;
    public const string TableFormatVariable = StackContract.TransformEnvironment.TableFormat;
    public const string MetricsNamespaceVariable = StackContract.TransformEnvironment.MetricsNamespace;
    public const string TimeBudgetVariable = StackContract.TransformEnvironment.TimeBudgetSeconds;

    public static TransformSettings FromEnvironment(Func<string, string?> variable)
    {
        var raw = Required(variable, RawBucketVariable);
        var transformed = Required(variable, TransformedBucketVariable);
        var formatText = variable(TableFormatVariable);
        var format = string.IsNullOrWhiteSpace(formatText)
            ? TableFormats.Default
            : TableFormats.Parse(formatText)
              ?? throw new InvalidOperationException($"The environment variable {TableFormatVariable} is '{formatText}': it must be parquet or csv (the stack's tableFormat).");
        // The stack's own namespace (two stacks in one region each watch their own metrics); the shared one elsewhere.
        var metrics = variable(MetricsNamespaceVariable);
        // The function's timeout less a margin (the stack's): an invocation still waiting then gives up and says on what.
        var budgetText = variable(TimeBudgetVariable);
        TimeSpan? budget = string.IsNullOrWhiteSpace(budgetText) ? null
            : int.TryParse(budgetText.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : throw new InvalidOperationException($"The environment variable {TimeBudgetVariable} is '{budgetText}': it must be a whole number of seconds above 0 (the stack sets it below transformTimeoutSeconds).");
        return new(raw, transformed, format, string.IsNullOrWhiteSpace(metrics) ? StackContract.Metrics.Namespace : metrics.Trim(), budget);
    }

    private static string Required(Func<string, string?> variable, string name)
    {
        var value = variable(name);
        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"The environment variable {name} is not set. The stack sets it to the bucket's name; when running the function elsewhere, set {RawBucketVariable} and {TransformedBucketVariable}.")
            : value.Trim();
    }
}
