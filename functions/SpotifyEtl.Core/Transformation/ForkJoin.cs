namespace SpotifyEtl.Transformation;

/// <summary>Two pieces of work at once: the second on the thread pool, the first on the calling thread.</summary>
internal static class ForkJoin
{
    /// <summary>
    /// Runs both and returns once both have ended. A failure is rethrown as it was thrown (not wrapped, as
    /// <see cref="Parallel.Invoke(Action[])"/> wraps it), the first's before the second's; the second never
    /// outlives the call, so neither uses anything its caller then releases. Where the pool has no thread to
    /// spare, the second runs on the calling thread once the first is done.
    /// </summary>
    public static void Run(Action first, Action second)
    {
        var other = Task.Run(second);
        try
        {
            first();
        }
        catch
        {
            // The second may be using what the caller releases once this throws: it ends first. Its own failure,
            // if any, gives way to the first's.
            try
            {
                other.Wait();
            }
            catch (AggregateException)
            {
            }
            throw;
        }
        other.GetAwaiter().GetResult();
    }
}
