using SpotifyEtl.Storage;

namespace SpotifyEtl.Import;

/// <summary>
/// One file offered to the import: a file on disk, an entry of the export's zip, or an object in a bucket.
/// <see cref="Problem"/> says why it cannot be read at all (too large, a compressed bomb); otherwise
/// <see cref="ReadAsync"/> returns its bytes, at most <see cref="ImportLimits.MaxFileBytes"/> of them. A zip entry
/// comes with the CRC-32 its zip holds for it: bytes that do not match it are damaged, and are not returned
/// (.NET's <see cref="System.IO.Compression.ZipArchive"/> does not check it: a changed byte of a stored entry, or a
/// deflated one that still inflates, would read as good).
/// </summary>
public sealed class ExportCandidate(string name, Func<CancellationToken, Task<Stream>> open, long? size = null, string? problem = null, uint? crc32 = null)
{
    /// <summary>Where it came from, as the user knows it: <c>my_spotify_data.zip!Spotify Extended Streaming History/endsong_0.json</c>.</summary>
    public string Name { get; } = name;

    public long? Size { get; } = size;

    public string? Problem { get; } = problem;

    /// <summary>The CRC-32 the bytes must have (a zip entry's); null when nothing says.</summary>
    public uint? Crc32 { get; } = crc32;

    /// <summary>
    /// A failure to read it (a file removed or made unreadable since it was listed, a disk's I/O error) is this file's
    /// problem, reported with it while the other files are imported: so for a laptop's files, which nothing would read
    /// again by itself. Otherwise (a bucket's object, whose import Lambda retries) it ends the import.
    /// </summary>
    public bool ReadFailureIsItsOwn { get; init; }

    public static ExportCandidate Unusable(string name, string problem) =>
        new(name, _ => throw new InvalidOperationException(problem), null, problem);

    /// <summary>The whole content; null with a reason when it is larger than the limit, or damaged.</summary>
    public async Task<(byte[]? Bytes, string? Problem)> ReadAsync(ImportLimits limits, CancellationToken cancellationToken)
    {
        var (bytes, problem) = await ReadUncheckedAsync(limits, cancellationToken).ConfigureAwait(false);
        return bytes is not null && Damage(bytes) is { } damage ? (null, damage) : (bytes, problem);
    }

    private async Task<(byte[]? Bytes, string? Problem)> ReadUncheckedAsync(ImportLimits limits, CancellationToken cancellationToken)
    {
        if (Problem is not null)
        {
            return (null, Problem);
        }
        if (Size > limits.MaxFileBytes)
        {
            return (null, TooLarge(limits));
        }
        var stream = await open(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (Size is { } declared)
            {
                // The usual case, a file or a zip entry of known size: one array of that size, then a check that nothing follows.
                var exact = new byte[declared];
                var read = await stream.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                var probe = new byte[1];
                if (read == exact.Length && await stream.ReadAsync(probe, cancellationToken).ConfigureAwait(false) == 0)
                {
                    return (exact, null);
                }
                if (read < exact.Length)
                {
                    return (exact[..read], null);
                }
                // A declared size can lie (a crafted archive): read on, within the bound.
                return await ReadRestAsync(stream, [.. exact, probe[0]], limits, cancellationToken).ConfigureAwait(false);
            }
            return await ReadRestAsync(stream, [], limits, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The whole content in a buffer rented from the shared pool (dispose it to return the buffer), for files read
    /// once and let go: a million-stream export is read without a fresh array per file.
    /// </summary>
    public async Task<(ExportBytes? Bytes, string? Problem)> ReadPooledAsync(ImportLimits limits, CancellationToken cancellationToken)
    {
        if (Problem is not null || Size > limits.MaxFileBytes || Size is null)
        {
            var (bytes, problem) = await ReadAsync(limits, cancellationToken).ConfigureAwait(false);
            return (bytes is null ? null : new ExportBytes(bytes, bytes.Length, pooled: false), problem);
        }
        var stream = await open(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // One byte more than declared shows whether the declared size lies (a crafted archive).
            var buffer = BytePool.Rent((int)Size.Value + 1);
            int read;
            try
            {
                read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // A damaged entry (its deflate data), a failed read or a stop: the file's own problem, reported by the caller,
                // and the buffer (as large as the entry says it is) back for the next file.
                BytePool.Return(buffer);
                throw;
            }
            if (read <= Size.Value)
            {
                if (Damage(buffer.AsSpan(0, read)) is { } damage)
                {
                    BytePool.Return(buffer);
                    return (null, damage);
                }
                return (new ExportBytes(buffer, read, pooled: true), null);
            }
            var start = buffer.AsSpan(0, read).ToArray();
            BytePool.Return(buffer);
            var (rest, problem) = await ReadRestAsync(stream, start, limits, cancellationToken).ConfigureAwait(false);
            if (rest is not null && Damage(rest) is { } damaged)
            {
                return (null, damaged);
            }
            return (rest is null ? null : new ExportBytes(rest, rest.Length, pooled: false), problem);
        }
    }

    private static async Task<(byte[]? Bytes, string? Problem)> ReadRestAsync(Stream stream, byte[] start, ImportLimits limits, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        buffer.Write(start);
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limits.MaxFileBytes)
            {
                return (null, TooLarge(limits));
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.Length > limits.MaxFileBytes ? (null, TooLarge(limits)) : (buffer.ToArray(), null);
    }

    /// <summary>Why the bytes read are not the entry's, when its CRC-32 says they are not; null when they are, or nothing says.</summary>
    private string? Damage(ReadOnlySpan<byte> bytes)
    {
        if (Crc32 is not { } expected)
        {
            return null;
        }
        var actual = System.IO.Hashing.Crc32.HashToUInt32(bytes);
        if (actual == expected)
        {
            return null;
        }
        var size = Size is { } declared && declared != bytes.Length ? $", and {bytes.Length:N0} bytes where the zip says {declared:N0}" : "";
        return $"{DamagedEntry}: its bytes do not match the checksum the zip holds for them (CRC-32 {actual:x8}, not {expected:x8}{size}), " +
               "so it was not imported; download the export again";
    }

    /// <summary>How a zip entry whose bytes are not what its zip says is said to be skipped.</summary>
    public const string DamagedEntry = "it is damaged in the zip";

    private static string TooLarge(ImportLimits limits) =>
        $"it is larger than {ImportLimits.Size(limits.MaxFileBytes)} uncompressed, more than any file of a Spotify export: nothing of it was read";
}
