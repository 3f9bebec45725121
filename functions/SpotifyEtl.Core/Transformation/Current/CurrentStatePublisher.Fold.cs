using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation.Current;

/// <summary>Reading a step's inputs: the listed digests, each as listed, merged into the latest row per key.</summary>
public sealed partial class CurrentStatePublisher
{
    /// <summary>
    /// The latest row per key among the digests, read eight at a time and merged into one as each arrives:
    /// the merge's result does not depend on their order, and memory holds the result and the digests being
    /// read, not all of them. A digest deleted since the listing is left out (the next listing differs); null
    /// when a digest read is not the one listed (its tag differs).
    /// </summary>
    private async Task<Digest?> FoldAsync(List<ObjectVersion> inputs, CancellationToken cancellationToken)
    {
        var gate = new Lock();
        var latest = Digest.Empty();
        var changed = false;
        try
        {
            await Parallel.ForEachAsync(inputs, new ParallelOptions
            {
                MaxDegreeOfParallelism = 8,
                CancellationToken = cancellationToken,
            }, async (input, token) =>
            {
                Digest digest;
                var stored = await ReadOrNullAsync(input.Key, token).ConfigureAwait(false);
                if (stored is null)
                {
                    return;
                }
                if (!stored.IsListed(input.Tag))
                {
                    stored.Dispose();
                    Volatile.Write(ref changed, true);
                    return;
                }
                try
                {
                    digest = Digest.Read(stored, input.Key, _built.TryGetValue(input.Key, out var built) ? built : null);
                }
                catch
                {
                    stored.Dispose();
                    throw;
                }
                lock (gate)
                {
                    if (latest.IsEmpty)
                    {
                        // The first digest is taken as it is, not copied into a merge with nothing.
                        latest.Dispose();
                        latest = digest;
                        return;
                    }
                    using (digest)
                    {
                        var merged = Digest.Latest(latest, digest);
                        latest.Dispose();
                        latest = merged;
                    }
                }
            }).ConfigureAwait(false);
            if (changed)
            {
                latest.Dispose();
                return null;
            }
            return latest;
        }
        catch
        {
            latest.Dispose();
            throw;
        }
    }

    private async Task<PooledBytes?> ReadOrNullAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await lake.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }
}
