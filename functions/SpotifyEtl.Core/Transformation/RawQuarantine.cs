using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Sets a raw object the transformation cannot read aside: a copy under <c>quarantine/</c> with its reason
/// beside it, the raw object left where it is.
/// </summary>
/// <param name="raw">The raw bucket (or the local lake), which holds both <c>raw/</c> and <c>quarantine/</c>.</param>
public sealed class RawQuarantine(IObjectStore raw)
{
    /// <summary>
    /// Sets aside an entry whose key is no raw object's: quarantined when it can be read, reported as unreadable
    /// when it cannot (with both reasons, such as a FIFO's; a folder's with its own alone, as its name is beside the
    /// point), and passed over when it is gone; nothing is written for the latter two.
    /// </summary>
    public async Task<TransformReport> SetAsideAsync(string key, string reason, CancellationToken cancellationToken)
    {
        string? version;
        try
        {
            using var read = await raw.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
            version = read.Version;
        }
        catch (UnreadableObjectException unreadable)
        {
            return TransformReport.Unread(key, unreadable.IsFolder ? unreadable.Reason : $"{unreadable.Reason}; besides, {reason}");
        }
        catch (ObjectNotFoundException)
        {
            // Removed before its event was handled (or named by an event sent again after): a retry would find it no more.
            return TransformReport.Ignored(key, $"it is no longer in {raw.Description} (removed after its event was sent): there is nothing to set aside");
        }
        return await QuarantineAsync(key, version, new InvalidRawObjectException(key, reason), cancellationToken).ConfigureAwait(false);
    }

    public Task<TransformReport> QuarantineAsync(string key, string? version, InvalidRawObjectException invalid, CancellationToken cancellationToken) =>
        QuarantineAsync(key, version, invalid.Reason, invalid.Message, cancellationToken);

    /// <summary>
    /// Sets aside an object that was read but cannot be used: <paramref name="reason"/> is the short cause the
    /// report carries, <paramref name="message"/> the reason file's text (what was wrong and what to do). The copy is
    /// of <paramref name="version"/>, the version that was read (<see cref="PooledBytes.Version"/>), so an object
    /// rewritten since leaves in quarantine the bytes the reason speaks of; a store that keeps no versions (the local
    /// lake) copies what the key holds.
    /// </summary>
    public async Task<TransformReport> QuarantineAsync(string key, string? version, string reason, string message, CancellationToken cancellationToken)
    {
        var quarantine = LakeLayout.QuarantineKey(key);
        if (key.EndsWith(LakeLayout.ReasonSuffix, StringComparison.Ordinal))
        {
            // A quarantine reason copied back into raw/ with its object (a mended quarantine/ copied over raw/): its copy
            // would take the place of the reason of the object it sits beside, so it is left where it is and named.
            return TransformReport.Unread(key, $"its name ends as a quarantine reason's does ({LakeLayout.ReasonSuffix}), so it is not copied " +
                $"under {LakeLayout.Quarantine}, where it would take the place of another object's reason: remove it from {LakeLayout.Raw} " +
                $"if it is a reason file copied there; besides, {reason}");
        }
        // The reason lands first and the copy (atomic on S3 and on the local lake) commits the pair: a
        // quarantined copy is never without its reason. A copy that fails takes its reason back where the
        // store allows it; a retry rewrites both, and the CLI removes a reason left alone by a killed process.
        var reasonKey = quarantine + LakeLayout.ReasonSuffix;
        try
        {
            await raw.PutTextAsync(reasonKey, ReasonText(key, version, message), "text/plain; charset=utf-8", cancellationToken).ConfigureAwait(false);
        }
        catch (PathTooLongException tooLong)
        {
            return TransformReport.Unread(key, $"{TooLong(tooLong)}; besides, {reason}");
        }
        try
        {
            await (version is null
                ? raw.CopyAsync(key, quarantine, cancellationToken)
                : raw.CopyVersionAsync(key, version, quarantine, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await TakeBackReasonAsync(reasonKey).ConfigureAwait(false);
            if (exception is UnreadableObjectException unreadable)
            {
                return TransformReport.Unread(key, $"{unreadable.Reason}; besides, {reason}");
            }
            if (exception is PathTooLongException tooLong)
            {
                return TransformReport.Unread(key, $"{TooLong(tooLong)}; besides, {reason}");
            }
            throw;
        }
        if (version is not null)
        {
            await MatchCopyToReasonAsync(key, version, quarantine, reasonKey, cancellationToken).ConfigureAwait(false);
        }
        return TransformReport.Quarantined(key, reason, quarantine);
    }

    /// <summary>The first words of the reason file's line that names the version the copy beside it is.</summary>
    internal const string VersionLine = "The copy beside this file is version ";

    /// <summary>
    /// The reason file's text: the message, and on a versioned store the version it speaks of, which
    /// <see cref="MatchCopyToReasonAsync"/> reads back.
    /// </summary>
    private static string ReasonText(string key, string? version, string message) =>
        version is null ? message + "\n" : $"{message}\n{VersionLine}{version} of {key}.\n";

    /// <summary>
    /// Leaves beside the reason the copy of the version it names, however the writes of invocations setting aside
    /// other versions of the object fell between this one's. Two events of one key rewritten (two versions, each bad
    /// for a reason of its own) may be handled at once: each writes its reason, then its copy, and the copy of one may
    /// land after the reason of the other. So once its copy is written, each invocation reads the reason back and,
    /// while the reason names another version than the copy it last wrote, copies that version: the last to write a
    /// reason copies its own version after it, and any copy landing later is followed by its writer's read of that
    /// reason, and a copy of its version. A store of no versions (the local lake, where one writer holds the lake) has
    /// nothing to match.
    /// </summary>
    private async Task MatchCopyToReasonAsync(string key, string copied, string quarantine, string reasonKey, CancellationToken cancellationToken)
    {
        while (await NamedVersionAsync(key, reasonKey, cancellationToken).ConfigureAwait(false) is { } named && named != copied)
        {
            await raw.CopyVersionAsync(key, named, quarantine, cancellationToken).ConfigureAwait(false);
            copied = named;
        }
    }

    /// <summary>The version of <paramref name="key"/> the reason file names; null when it names none or is gone.</summary>
    private async Task<string?> NamedVersionAsync(string key, string reasonKey, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            using var read = await raw.ReadPooledAsync(reasonKey, cancellationToken).ConfigureAwait(false);
            text = System.Text.Encoding.UTF8.GetString(read.Span);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        var suffix = $" of {key}.";
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(VersionLine, StringComparison.Ordinal) && line.EndsWith(suffix, StringComparison.Ordinal))
            {
                return line[VersionLine.Length..^suffix.Length];
            }
        }
        return null;
    }

    /// <summary>
    /// Why an object whose quarantine key the store cannot hold is left unread: on S3 a key of more than 1,024 bytes
    /// (the reason's key is the raw key, <c>raw/</c> made <c>quarantine/</c>, and <c>.reason.txt</c>: 18 bytes longer),
    /// on the local lake a path longer than the system allows. The raw object stays where it is, as always.
    /// </summary>
    private string TooLong(PathTooLongException exception) => exception is KeyTooLongException key
        ? $"its quarantine copy's key would be longer than the {KeyTooLongException.MaxBytes:N0} bytes {raw.Description} allows for a key " +
          $"({key.Bytes:N0} bytes with its reason's suffix): it was left where it is, unread, and nothing was written under {LakeLayout.Quarantine}"
        : "its quarantine copy's path would be longer than the system allows";

    /// <summary>
    /// Removes the reason of a copy that failed, where the store allows it (the local lake). On S3 no role may
    /// delete in the raw bucket, so there the reason stays alone until a retry writes both again; the
    /// caller sees the copy's own failure either way, never the refused delete.
    /// </summary>
    private async Task TakeBackReasonAsync(string reasonKey)
    {
        try
        {
            await raw.DeleteAsync(reasonKey, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Best effort by design: the failure worth reporting is the copy's.
        }
    }
}
