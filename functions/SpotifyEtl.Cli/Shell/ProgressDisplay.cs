using Spectre.Console;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Shell;

/// <summary>How far long work is, on stderr when it is a terminal; nothing at all otherwise.</summary>
internal static class ProgressDisplay
{
    /// <summary>
    /// Runs <paramref name="work"/>, which reports (done, total or null when unknown, bytes). With no total, the bytes
    /// against <paramref name="expectedBytes"/>, an estimate known before the work starts, give the fraction done.
    /// </summary>
    public static Task<T> RunAsync<T>(string description, Func<Action<long, long?, long>, Task<T>> work, long? expectedBytes = null) =>
        Run(description, work, (_, _, _) => { }, task => (done, total, bytes) =>
        {
            // With no total and no estimate there is no fraction: the bar stays indeterminate and the count tells the progress.
            task.IsIndeterminate = total is null && expectedBytes is null;
            if (total is not null)
            {
                task.MaxValue = Math.Max(1, total.Value);
                task.Value = done;
            }
            else if (expectedBytes is not null)
            {
                // An estimate may fall short: the bar stops short of full until the work ends.
                task.MaxValue = Math.Max(1, expectedBytes.Value);
                task.Value = Math.Min(bytes, task.MaxValue * 0.99);
            }
            task.Description = Fit($"{description}: {done:N0}{(total is null ? "" : $"/{total:N0}")} ({bytes / 1024.0 / 1024.0:N1} MiB)");
        });

    /// <summary>
    /// Runs <paramref name="work"/>, made of steps it names as each one starts: (its number from 1, the number of steps,
    /// its name). The display shows the step running, n of N, and the bar the steps done.
    /// </summary>
    public static Task<T> RunStepsAsync<T>(string description, Func<Action<int, int, string>, Task<T>> work) =>
        Run(description, work, (_, _, _) => { }, task => (number, total, name) =>
        {
            task.IsIndeterminate = false;
            task.MaxValue = Math.Max(1, total);
            task.Value = Math.Max(0, number - 1);
            task.Description = Fit($"{description}: {number:N0}/{total:N0} ({name})");
        });

    /// <summary>
    /// Runs <paramref name="work"/> with the report <paramref name="reporting"/> makes of one task of the display (it
    /// starts indeterminate), or with <paramref name="quiet"/> when stderr shows no progress.
    /// </summary>
    private static async Task<T> Run<T, TReport>(string description, Func<TReport, Task<T>> work, TReport quiet, Func<ProgressTask, TReport> reporting)
    {
        if (!Consoles.ShowProgress)
        {
            return await work(quiet).ConfigureAwait(false);
        }
        Showing = true;
        try
        {
            return await Display()
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Fit(description));
                    task.IsIndeterminate = true;
                    return await work(reporting(task)).ConfigureAwait(false);
                }).ConfigureAwait(false);
        }
        finally
        {
            Showing = false;
        }
    }

    /// <summary>
    /// Whether a display is drawn on stderr now: a line written to stderr past the display's console would land on the
    /// display's own line, and the next frame over it (<see cref="CliErrors.Warn"/> writes through the console meanwhile).
    /// </summary>
    public static bool Showing
    {
        get => Volatile.Read(ref _showing);
        private set => Volatile.Write(ref _showing, value);
    }

    private static bool _showing;

    /// <summary>A terminal at least this wide shows the full bar and the time elapsed; a narrower one a short bar and no time.</summary>
    private const int Wide = 120;

    /// <summary>
    /// The columns the display takes beside its description on a terminal <paramref name="width"/> wide: the bar, the
    /// percentage ("100%"), on a wide terminal the time elapsed ("00:00:00"), and the spinner, each after a space.
    /// </summary>
    private static int Beside(int width) => (width >= Wide ? 40 + 1 + 8 : 10) + 1 + 4 + 1 + 1 + 1;

    /// <summary>
    /// <paramref name="text"/> as the display's description, cut with an ellipsis where it would not fit the line beside the
    /// other columns: a description wider than its room would wrap, and every frame would add lines to the terminal.
    /// </summary>
    private static string Fit(string text)
    {
        var width = Consoles.Progress.Profile.Width;
        return Markup.Escape(TerminalTable.Cut(TerminalTable.OneLine(text), Math.Max(8, width - Beside(width) - 1)));
    }

    /// <summary>One line on stderr, cleared when the work ends, so what is printed next starts on a clean line.</summary>
    private static Progress Display() => Consoles.Progress.Profile.Width >= Wide
        ? Consoles.Progress.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
        : Consoles.Progress.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn { Width = 10 }, new PercentageColumn(), new SpinnerColumn());
}

/// <summary>
/// A store that tells each object written: the progress of work that only writes (sample, extract). A
/// <paramref name="check"/> sees each object's key and content before it is written, and may refuse it by throwing.
/// </summary>
internal sealed class CountingStore(IObjectStore inner, Action<long, long> written, Action<string, Stream>? check = null) : IObjectStore
{
    private long _objects;
    private long _bytes;

    public string Description => inner.Description;

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        var length = content.CanSeek ? content.Length - content.Position : 0;
        check?.Invoke(key, content);
        await inner.PutAsync(key, content, contentType, cancellationToken).ConfigureAwait(false);
        written(Interlocked.Increment(ref _objects), Interlocked.Add(ref _bytes, length));
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public IAsyncEnumerable<ObjectVersion> ListVersionsAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListVersionsAsync(prefix, cancellationToken);

    public Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default) => inner.CopyAsync(sourceKey, destinationKey, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
}
