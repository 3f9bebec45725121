namespace SpotifyEtl;

/// <summary>
/// An exception and those inside it (<see cref="Exception.InnerException"/>), outermost first: where a failure's cause is
/// looked for, since the runtime, the HTTP client and the AWS SDK each wrap the one beneath them.
/// </summary>
public static class ExceptionChain
{
    public static IEnumerable<Exception> Of(Exception? exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            yield return inner;
        }
    }

    /// <summary>
    /// Whether the process ran out of memory: the runtime's exception itself, or wrapped at any depth by what carried it
    /// (a task's scheduler that could not start a thread, a parallel loop's aggregate beside other failures, a type's
    /// initializer). Never a failure of the input at hand, and never one to swallow.
    /// </summary>
    public static bool RanOutOfMemory(Exception exception) => exception switch
    {
        OutOfMemoryException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(RanOutOfMemory),
        { InnerException: { } inner } => RanOutOfMemory(inner),
        _ => false,
    };
}
