namespace SpotifyEtl.Storage;

/// <summary>
/// The store holds something under this key that it cannot read as an object: on the local lake a dangling
/// or looping symbolic link, a FIFO or device, a folder, a file this user may not read, a path longer than
/// the system allows, or a file larger than one object may be. The failure is this entry's alone: the
/// transformation reports it with <see cref="Reason"/> and goes on with the others.
/// </summary>
public sealed class UnreadableObjectException(string store, string key, string reason, Exception? inner = null)
    : Exception($"'{key}' in {store} cannot be read as an object: {reason}.", inner)
{
    public string Key { get; } = key;
    public string Reason { get; } = reason;

    /// <summary>
    /// The entry is a folder (or a link to one), such as one this user may not list: no object's name fits it, so a
    /// reason about its name would be beside the point.
    /// </summary>
    public bool IsFolder { get; init; }
}
