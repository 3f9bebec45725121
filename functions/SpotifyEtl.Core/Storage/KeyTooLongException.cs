namespace SpotifyEtl.Storage;

/// <summary>
/// A key longer than the store allows: S3 takes keys of at most <see cref="MaxBytes"/> bytes in UTF-8 and answers a
/// longer one with KeyTooLongError. Nothing was written under it. A <see cref="PathTooLongException"/>, as the local
/// lake's path that is too long is.
/// </summary>
public sealed class KeyTooLongException(string store, string key, Exception? inner = null)
    : PathTooLongException($"The key '{ShownText.Of(key, 80)}' is {System.Text.Encoding.UTF8.GetByteCount(key):N0} bytes long in UTF-8, " +
        $"longer than the {MaxBytes:N0} bytes {store} allows for a key: nothing was written under it.", inner)
{
    /// <summary>The longest key S3 stores, in bytes of UTF-8.</summary>
    public const int MaxBytes = 1024;

    public string Key { get; } = key;

    /// <summary>The key's length in bytes of UTF-8.</summary>
    public int Bytes => System.Text.Encoding.UTF8.GetByteCount(Key);
}
