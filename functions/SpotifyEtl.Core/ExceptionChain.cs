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
}
