namespace SpotifyEtl.Storage;

/// <summary>
/// The version of an object that was asked for is no longer in the store (deleted after the event that names it
/// was sent): its bytes cannot be read any more, whatever the key holds by now.
/// </summary>
public sealed class VersionNotFoundException(string store, string key, string version)
    : Exception($"No version '{version}' of '{key}' in {store}.")
{
    public string Key { get; } = key;
    public string Version { get; } = version;
}

/// <summary>
/// The store knows no version by the id that was asked for: a bucket without versioning (or with an id it never gave).
/// Only what the key holds now can be read.
/// </summary>
public sealed class VersionUnknownException(string store, string key, string version, Exception? inner = null)
    : Exception($"{store} knows no version '{version}' of '{key}' (a bucket without versioning?): only what the key holds now can be read.", inner)
{
    public string Key { get; } = key;
    public string Version { get; } = version;
}
