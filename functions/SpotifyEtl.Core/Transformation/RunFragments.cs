using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation;

/// <summary>
/// A run's tables saved under <c>staging/</c> on the S3 path, as gzip-compressed JSON: a day is published
/// from its runs' fragments, so a run reads only its own raw objects.
/// </summary>
internal static class RunFragments
{
    /// <summary>
    /// Reads a day's run fragments, sixteen at a time (S3 round trips, not the CPU, bound it); null when one read was not
    /// the fragment listed (another ETag): rewritten in between, perhaps back to the listed bytes by now, so that a new
    /// listing would not tell.
    /// </summary>
    public static async Task<SnapshotTables[]?> ReadAsync(IObjectStore lake, List<ObjectVersion> fragments, CancellationToken cancellationToken)
    {
        var tables = new SnapshotTables[fragments.Count];
        var changed = false;
        await Parallel.ForEachAsync(Enumerable.Range(0, fragments.Count), new ParallelOptions
        {
            MaxDegreeOfParallelism = 16,
            CancellationToken = cancellationToken,
        }, async (index, token) =>
        {
            var (key, listed) = fragments[index];
            using var bytes = await lake.ReadPooledAsync(key, token).ConfigureAwait(false);
            if (!bytes.IsListed(listed))
            {
                Volatile.Write(ref changed, true);
                return;
            }
            tables[index] = SnapshotTables.FromFragment(Decompress(bytes.Memory, key));
        }).ConfigureAwait(false);
        return changed ? null : tables;
    }

    public static byte[] Compress(SnapshotFragment fragment)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, fragment, SnapshotFragmentContext.Default.SnapshotFragment);
        }
        return buffer.ToArray();
    }

    private static SnapshotFragment Decompress(ReadOnlyMemory<byte> bytes, string key)
    {
        try
        {
            var whole = MemoryMarshal.TryGetArray(bytes, out var segment) ? segment : new ArraySegment<byte>(bytes.ToArray());
            using var gzip = new GZipStream(new MemoryStream(whole.Array!, whole.Offset, whole.Count, writable: false), CompressionMode.Decompress);
            var fragment = JsonSerializer.Deserialize(gzip, SnapshotFragmentContext.Default.SnapshotFragment)
                ?? throw new InvalidDataException("it is empty");
            // Each of its lists, empty or not, is written: one missing is no fragment this tool wrote.
            List<object?> lists = [fragment.Songs, fragment.Albums, fragment.Artists, fragment.SongArtists, fragment.Versions,
                fragment.Entries, fragment.Plays, fragment.SavedTracks, fragment.Top];
            return lists.Contains(null) ? throw new InvalidDataException("a table's rows are missing from it") : fragment;
        }
        catch (Exception exception) when (exception is JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"The run fragment {key} cannot be read ({exception.Message}). Delete it and replay its day: it is rebuilt " +
                                           "from its run's raw objects, as long as they are all still there (a snapshot past the raw zone's expiry is not, " +
                                           "and its rows would leave the day).", exception);
        }
    }
}
