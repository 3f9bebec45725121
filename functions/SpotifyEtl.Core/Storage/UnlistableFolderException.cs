namespace SpotifyEtl.Storage;

/// <summary>
/// A folder of the local lake this user may not list, or search on the way down to one: the objects below it are out of
/// sight, so a listing that reaches it says so rather than list nothing (which would rebuild a day without them).
/// </summary>
public sealed class UnlistableFolderException(string path, string key, Exception? inner = null)
    : UnauthorizedAccessException($"{path} is a folder this user cannot list (permission denied), so the objects in it cannot be read.", inner)
{
    /// <summary>What a report of the folder says of it, as it says of one listed as an entry.</summary>
    public const string Reason = "it is a folder this user may not list (permission denied), so the objects in it cannot be read";

    public string Path { get; } = path;

    /// <summary>The folder's key in the lake (<c>raw/playlist_items</c>); empty for the lake's own folder.</summary>
    public string Key { get; } = key;
}
