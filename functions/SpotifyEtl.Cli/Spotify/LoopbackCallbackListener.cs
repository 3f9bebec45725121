using System.Net;
using System.Text;

namespace SpotifyEtl.Cli.Spotify;

/// <summary>
/// Waits for the browser to come back to <c>http://127.0.0.1:PORT/callback</c> after the user allowed
/// access, checks the <c>state</c> parameter, and returns the authorization code with the browser's request
/// still open: the page the browser shows says whether the login ended well, once it has.
/// </summary>
internal sealed class LoopbackCallbackListener : IDisposable
{
    private readonly HttpListener _listener = new();

    public LoopbackCallbackListener(int port)
    {
        RedirectUri = new Uri($"http://127.0.0.1:{port}/callback");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/callback/");
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException exception)
        {
            throw new LoginCallbackException($"Cannot listen on {RedirectUri} ({exception.Message}). Choose another --port, and register that redirect URI in the app's settings.", exception)
            {
                PortInUse = true,
            };
        }
    }

    public Uri RedirectUri { get; }

    public async Task<BrowserCallback> WaitForCodeAsync(string expectedState, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(_listener.Stop);
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (cancellationToken.IsCancellationRequested)
            {
                // Spotify's page refuses a Redirect URI the app does not list ("Invalid redirect URI") and never comes back. Whatever
                // the stopped listener throws is the timeout: stopped before it first waited (the time ran out first, on a busy
                // machine), it refuses to wait at all.
                throw new TimeoutException($"No answer came back from the browser in time. If Spotify's page said \"Invalid redirect URI\", add exactly {RedirectUri} " +
                    "to the app's Redirect URIs (https://developer.spotify.com/dashboard); then run `spotify-etl auth login` again.", exception);
            }
            var query = context.Request.QueryString;
            if (query["state"] is null && query["code"] is null && query["error"] is null)
            {
                // A favicon or a stray request: not the callback.
                await RespondAsync(context, 404, "Not the callback.").ConfigureAwait(false);
                continue;
            }
            if (!string.Equals(query["state"], expectedState, StringComparison.Ordinal))
            {
                await RespondAsync(context, 400, "The state parameter does not match this login. Start again with spotify-etl auth login.").ConfigureAwait(false);
                throw new LoginCallbackException("The callback's state parameter does not match the one this login sent; the answer was refused (possible cross-site request). Run `spotify-etl auth login` again.");
            }
            if (query["error"] is { } error)
            {
                await RespondAsync(context, 400, $"Spotify reported: {error}.").ConfigureAwait(false);
                throw new LoginCallbackException($"Spotify did not authorize the app ({error}). If you pressed Cancel, run the login again; if the user is not on the app's allow-list, add them in the dashboard (Development Mode: at most 5 users).");
            }
            if (query["code"] is not { Length: > 0 } code)
            {
                await RespondAsync(context, 400, "No code in the callback.").ConfigureAwait(false);
                throw new LoginCallbackException("The callback carried no authorization code. Run `spotify-etl auth login` again.");
            }
            return new BrowserCallback(code, context);
        }
    }

    internal static async Task RespondAsync(HttpListenerContext context, int status, string message)
    {
        var body = Encoding.UTF8.GetBytes($"<!doctype html><meta charset=\"utf-8\"><title>spotify-etl</title><p>{WebUtility.HtmlEncode(message)}</p>");
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        context.Response.Close();
    }

    public void Dispose() => ((IDisposable)_listener).Dispose();
}

/// <summary>
/// The browser's callback, answered once the login has ended: that it is authorized only when the code was
/// exchanged and the token kept, otherwise that it failed and the terminal says why. Disposing it unanswered
/// answers the failure.
/// </summary>
internal sealed class BrowserCallback(string code, HttpListenerContext context) : IAsyncDisposable
{
    private bool _answered;

    public string Code { get; } = code;

    public Task AuthorizedAsync() => AnswerAsync(200, "spotify-etl is authorized. You can close this tab and return to the terminal.");

    public Task FailedAsync() => AnswerAsync(502, "spotify-etl could not finish the login; the terminal says why. Run spotify-etl auth login again.");

    private async Task AnswerAsync(int status, string message)
    {
        if (_answered)
        {
            return;
        }
        _answered = true;
        try
        {
            await LoopbackCallbackListener.RespondAsync(context, status, message).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The browser went away: the terminal has the outcome.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_answered)
        {
            await FailedAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Why the browser's way back could not give a login: no port to listen on, or an answer that is wrong or refused.</summary>
internal sealed class LoginCallbackException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The login could not listen on its port: the command to run again names another, not that one.</summary>
    public bool PortInUse { get; init; }
}
