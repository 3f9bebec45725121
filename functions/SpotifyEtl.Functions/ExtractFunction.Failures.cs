using System.Text.Json;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Functions;

public sealed partial class ExtractFunction
{
    /// <summary>
    /// Extracts, and gives any failure one <c>extract_failed</c> line before Lambda's own record of it: what failed, the
    /// run's id once the run was named (its manifest and raw objects carry it) and, when S3 failed (the lease, the
    /// extraction state, a manifest), the request, so the line names the object. Logged from an exception filter, the
    /// exception goes on untouched, its stack with it.
    /// </summary>
    internal async Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken)
    {
        var failed = new FailedRun();
        try
        {
            return await ExtractAsync(input, failed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && LogsFailure(exception, failed.RunId))
        {
            throw;
        }
    }

    /// <summary>Writes the failure's line; false, so that the filter catches nothing.</summary>
    private bool LogsFailure(Exception exception, string? runId)
    {
        _log(JsonSerializer.Serialize(new ExtractFailureLogLine("error", "extract_failed", runId, exception.GetType().Name,
            exception.Message, S3ObjectStore.RequestOf(exception)), FunctionJsonContext.Default.ExtractFailureLogLine));
        return false;
    }

    /// <summary>The invocation's run, once the extractor has named it: none when it failed before (the lease, the secret).</summary>
    private sealed class FailedRun
    {
        public string? RunId { get; set; }
    }
}
