using System.Runtime.ExceptionServices;

namespace SpotifyEtl.Import;

/// <summary>
/// The reads of landed export files one history build made, and those S3 denied (<see cref="Storage.S3ObjectStore.RefusedReason"/>).
/// One file denied is one put back by hand under a key the role may not use: named, its streams left out until it is
/// readable. Every read denied is no such file but a role or key policy denying them all, and a history built from none
/// of them would drop every stream of every export: the build fails instead, as it did before any file was denied,
/// and the history stays as it was. Safe to count from several workers at once.
/// </summary>
public sealed class LandedFileRefusals
{
    private int _reads;
    private int _denied;
    private Exception? _first;

    /// <summary>A read of a landed file made, and what S3 answered: its refusal, or null when it was not denied.</summary>
    public void Count(Exception? refusal)
    {
        Interlocked.Increment(ref _reads);
        if (refusal is not null)
        {
            Interlocked.CompareExchange(ref _first, refusal, null);
            Interlocked.Increment(ref _denied);
        }
    }

    /// <summary>Rethrows S3's first refusal when there were reads and S3 denied every one of them.</summary>
    public void ThrowIfEveryReadWasDenied()
    {
        if (Volatile.Read(ref _reads) is > 0 and var reads && Volatile.Read(ref _denied) == reads)
        {
            ExceptionDispatchInfo.Throw(Volatile.Read(ref _first)!);
        }
    }
}
