using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Import;

/// <summary>
/// The raw files one history build read (landed export files, or one day's recently-played pages), and those S3 denied it
/// (<see cref="S3ObjectStore.RefusedReason"/>). A file denied is one put back by hand under a key the role may not use:
/// named, its streams or plays left out until it is readable. A role or key policy denying the whole prefix looks the same
/// from one file, and a history built then would drop every stream of every export, or every play; so when S3 denied every
/// file the build read, one file of the same kind it did not read is read before the build goes on: allowed, the denied
/// files are files of their own; denied too, or no other file there, the build fails with S3's refusal, as any other S3
/// refusal fails it, and the history stays as it was. Safe to count from several workers at once.
/// </summary>
public sealed class LandedFileRefusals
{
    private readonly ConcurrentDictionary<string, bool> _read = new(StringComparer.Ordinal);
    private Exception? _first;

    /// <summary>A read of the landed file <paramref name="key"/>, and what S3 answered: its refusal, or null when it was not denied.</summary>
    public void Count(string key, Exception? refusal)
    {
        if (refusal is not null)
        {
            Interlocked.CompareExchange(ref _first, refusal, null);
        }
        _read.AddOrUpdate(key, refusal is not null, (_, denied) => denied && refusal is not null);
    }

    /// <summary>
    /// Rethrows S3's first refusal when S3 denied every file read and denies the first of the others in
    /// <paramref name="landed"/> it answers for too, or there is no other; returns otherwise. Call once the reads are done.
    /// </summary>
    public async Task ThrowIfEveryFileIsDeniedAsync(IObjectStore raw, IEnumerable<string> landed, CancellationToken cancellationToken)
    {
        if (_read.IsEmpty || _read.Values.Any(denied => !denied))
        {
            return;
        }
        foreach (var key in landed.Where(k => !_read.ContainsKey(k)))
        {
            try
            {
                using var allowed = await raw.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (UnreadableObjectException)
            {
                // Not denied: S3 let the role ask (an archived object, say), so no policy denies the prefix.
                return;
            }
            catch (ObjectNotFoundException)
            {
                // Gone since the listing: another file says.
            }
            catch (Exception refused) when (S3ObjectStore.RefusedReason(refused) is not null)
            {
                break;
            }
        }
        ExceptionDispatchInfo.Throw(Volatile.Read(ref _first)!);
    }
}
