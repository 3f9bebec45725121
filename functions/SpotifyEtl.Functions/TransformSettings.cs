namespace SpotifyEtl.Functions;

/// <summary>
/// The transform function's configuration: bucket names from its Lambda environment (set by the
/// stack), never secrets.
/// </summary>
internal sealed record TransformSettings(string RawBucket, string TransformedBucket)
{
    public const string RawBucketVariable = "RAW_BUCKET";
    public const string TransformedBucketVariable = "TRANSFORMED_BUCKET";

    public static TransformSettings FromEnvironment(Func<string, string?> variable) =>
        new(Required(variable, RawBucketVariable), Required(variable, TransformedBucketVariable));

    private static string Required(Func<string, string?> variable, string name)
    {
        var value = variable(name);
        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"The environment variable {name} is not set. The stack sets it to the bucket's name; when running the function elsewhere, set {RawBucketVariable} and {TransformedBucketVariable}.")
            : value.Trim();
    }
}
