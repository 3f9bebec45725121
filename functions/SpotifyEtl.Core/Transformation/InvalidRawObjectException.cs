namespace SpotifyEtl.Transformation;

/// <summary>
/// A raw object the transformation cannot read. The message names the object and the reason; the
/// pipeline sets the object aside in quarantine instead of retrying it.
/// </summary>
public sealed class InvalidRawObjectException(string key, string reason, Exception? inner = null)
    : Exception($"Raw object '{key}' cannot be transformed: {reason}. It was copied to quarantine; the raw object stays as it is. Fix or re-extract it, then transform its day again (on AWS, replay the day: docs/operations.md, \"Quarantined objects\").", inner)
{
    public string Key { get; } = key;
    public string Reason { get; } = reason;
}
