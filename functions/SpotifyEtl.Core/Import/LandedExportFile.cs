using SpotifyEtl.Storage;

namespace SpotifyEtl.Import;

/// <summary>
/// A landed export file read back from raw. Its key names the SHA-256 of the bytes it landed with, so a file cut short
/// or changed on disk since is known as such, and is not read: its streams are left out of the history, and it is
/// named with what to do, rather than read as far as it goes and its lost streams dropped without a word. A file that
/// cannot be read at all (permissions, a dangling link) is named the same way. Raw is never changed here.
/// </summary>
public static class LandedExportFile
{
    /// <summary>What mends a landed file that cannot be used.</summary>
    public const string Advice = "restore it from a backup, or import the export it came from again, which lands it anew";

    /// <summary>What a damaged landed file costs.</summary>
    private const string LeftOut = "its streams are left out of listening_history";

    /// <summary>A damaged landed file as imports and transforms report it: why, what it costs and what mends it.</summary>
    public static string Reported(string damage) => $"{damage}: {LeftOut}; {Advice}";

    /// <summary>
    /// The content of a landed file; or, when it cannot be read or its bytes are not those it landed with, why (then no
    /// content). The read is counted in <paramref name="refusals"/>, denied or not.
    /// </summary>
    public static async Task<(ExportFileContent? Content, string? Damage, long Bytes)> ReadAsync(IObjectStore raw, string key, StringPool? pool,
        LandedFileRefusals? refusals, CancellationToken cancellationToken)
    {
        PooledBytes bytes;
        try
        {
            bytes = await raw.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (UnreadableObjectException unreadable)
        {
            refusals?.Count(key, null);
            return (null, Unreadable(unreadable.Reason), 0);
        }
        catch (Exception refused) when (S3ObjectStore.RefusedReason(refused) is { } reason)
        {
            refusals?.Count(key, refused);
            return (null, Unreadable(reason), 0);
        }
        refusals?.Count(key, null);
        using (bytes)
        {
            return Changed(key, bytes.Span) is { } damage
                ? (null, damage, bytes.Length)
                : (ExportFileReader.Read(bytes.Span, pool), null, bytes.Length);
        }
    }

    /// <summary>
    /// Whether raw holds <paramref name="content"/> under its key as it should: null when nothing is there yet (land it),
    /// true when those very bytes are, false with why when something else is (a copy cut short, changed, or unreadable).
    /// </summary>
    public static async Task<(bool? Intact, string? Damage)> CompareAsync(IObjectStore raw, string key, ReadOnlyMemory<byte> content,
        CancellationToken cancellationToken)
    {
        try
        {
            using var landed = await raw.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
            return landed.Span.SequenceEqual(content.Span) ? (true, null) : (false, ChangedReason);
        }
        catch (ObjectNotFoundException)
        {
            return (null, null);
        }
        catch (UnreadableObjectException unreadable)
        {
            return (false, Unreadable(unreadable.Reason));
        }
        catch (Exception refused) when (S3ObjectStore.RefusedReason(refused) is { } reason)
        {
            // Landed again with these bytes, under the bucket's own encryption: readable from then on.
            return (false, Unreadable(reason));
        }
    }

    /// <summary>Why the bytes under a landed file's key are not the ones it landed with; null when they are.</summary>
    public static string? Changed(string key, ReadOnlySpan<byte> bytes) =>
        ExportRawKey.TryParse(key, out var parsed) && !string.Equals(ContentHash.Sha256(bytes), parsed.Hash, StringComparison.Ordinal)
            ? ChangedReason
            : null;

    private const string ChangedReason = "its bytes are no longer the ones it landed with (their SHA-256 is not the one its name holds: cut short or changed on disk)";

    private static string Unreadable(string reason) => $"it cannot be read: {reason}";
}
