using SpotifyEtl.Functions;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// The Lambda handlers called as the managed runtime calls them: the handler returns a task and the runtime waits for
/// its stream, or for its exception, which fails the invocation.
/// </summary>
internal static class HandlerCalls
{
    public static Stream RunHandler(this TransformFunction function, Stream input) => function.Handler(input).GetAwaiter().GetResult();

    public static Stream RunHandler(this ExtractFunction function, Stream input) => function.Handler(input).GetAwaiter().GetResult();
}
