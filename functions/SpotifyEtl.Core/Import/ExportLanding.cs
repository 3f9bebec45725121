using System.Collections.Concurrent;
using System.Threading.Channels;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Import;

/// <summary>One offered file after landing: its kind and raw key, or why it was skipped.</summary>
internal readonly record struct LandedCandidate(ExportFileKind? Kind, string? Key, string? Skipped, bool Ignored = false);

/// <summary>
/// What landing did: per candidate, and per landed key its content and whether it was new to raw; and the keys whose copy in
/// raw was damaged (cut short, changed, unreadable) and was landed again from the offered file, with what was wrong.
/// </summary>
internal sealed record LandingResult(LandedCandidate[] Candidates, IReadOnlyDictionary<string, ExportFileContent> Contents,
    IReadOnlyDictionary<string, bool> New, IReadOnlyDictionary<string, string> Restored);

/// <summary>
/// Lands the offered files: one reader takes them in order (a zip's entries can only be read one at a time),
/// and workers recognise, key, land and parse each one while the next is read. A file is read once: the
/// content parsed here is what the history is rebuilt from. Buffers are rented and returned, and each worker
/// pools its strings across the files it reads.
/// </summary>
internal sealed class ExportLanding(IObjectStore raw, ImportOptions options)
{
    /// <summary>What reads a zip made with a compression method .NET does not (7-Zip's LZMA, bzip2 or zstd).</summary>
    private const string Unzip = "unzip it with the tool that made it and import the folder, or import the zip as Spotify sent it";

    public async Task<LandingResult> LandAsync(IReadOnlyList<ExportCandidate> candidates, CancellationToken cancellationToken)
    {
        var results = new LandedCandidate[candidates.Count];
        var contents = new ConcurrentDictionary<string, ExportFileContent>(StringComparer.Ordinal);
        var isNew = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var restored = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        // Parsing is the work: a worker per core (each holding a file's buffer), however many reads the store allows at once.
        var workers = Math.Max(1, Math.Min(Math.Min(options.Parallelism, Math.Max(2, Environment.ProcessorCount)), candidates.Count));
        var channel = Channel.CreateBounded<(int Index, ExportBytes Bytes)>(new BoundedChannelOptions(workers) { SingleWriter = true });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = new Lock();
        var done = 0;
        long bytes = 0;

        void Report(long length)
        {
            lock (progress)
            {
                options.Progress?.Report(new ImportProgress("Landing files", ++done, candidates.Count, bytes += length));
            }
        }

        async Task ReadAsync()
        {
            try
            {
                for (var i = 0; i < candidates.Count; i++)
                {
                    // A file no export holds, by its name, is passed over unread (a folder of downloads may hold videos of
                    // gigabytes); one whose problem is already known (an upload that could not be read) keeps that reason.
                    if (candidates[i].Problem is null && (ExportImporter.IgnoredByName(candidates[i].Name)
                        ?? ExportImporter.IgnoredBySize(candidates[i].Name, candidates[i].Size, options.Limits)) is { } ignored)
                    {
                        results[i] = new LandedCandidate(null, null, ignored, true);
                        Report(0);
                        continue;
                    }
                    ExportBytes? content;
                    string? problem;
                    try
                    {
                        (content, problem) = await candidates[i].ReadPooledAsync(options.Limits, failed.Token).ConfigureAwait(false);
                    }
                    catch (InvalidDataException exception) when (exception.Message.Contains(" and is not supported", StringComparison.Ordinal))
                    {
                        // .NET names the method it cannot read (LZMA, BZip2): no damage, but a zip made again with another tool,
                        // which a download would not change.
                        (content, problem) = (null, $"its zip entry cannot be read ({exception.Message.TrimEnd('.')}), so it was not imported: {Unzip}");
                    }
                    catch (Exception exception) when (candidates[i].ReadFailureIsItsOwn && LocalEntry.IsEntryFailure(exception)
                        && !failed.IsCancellationRequested)
                    {
                        (content, problem) = (null, $"it could not be read ({exception.Message.TrimEnd('.')}), so it was not imported: check it (and the disk it is on), then import again");
                    }
                    catch (InvalidDataException exception)
                    {
                        // A damaged zip entry (bad compressed data, a checksum that does not match): this file only. .NET says
                        // "an unsupported compression method" both for an unknown method and for deflate data that is damaged.
                        var advice = exception.Message.Contains("unsupported compression method", StringComparison.OrdinalIgnoreCase)
                            ? $"download the export again; if the zip was made again with another tool, {Unzip}" : "download the export again";
                        (content, problem) = (null, $"{ExportCandidate.DamagedEntry}: its compressed data cannot be inflated ({exception.Message.TrimEnd('.')}), so it was not imported; {advice}");
                    }
                    if (content is null)
                    {
                        results[i] = new LandedCandidate(null, null, problem!);
                        Report(0);
                        continue;
                    }
                    try
                    {
                        await channel.Writer.WriteAsync((i, content), failed.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        // A worker failed (or the run was stopped) while this file waited for a place: its buffer goes back.
                        content.Dispose();
                        throw;
                    }
                }
            }
            finally
            {
                channel.Writer.Complete();
            }
        }

        async Task WorkAsync()
        {
            var pool = new StringPool();
            await foreach (var (index, content) in channel.Reader.ReadAllAsync(failed.Token).ConfigureAwait(false))
            {
                using (content)
                {
                    var name = candidates[index].Name;
                    var (kind, why, ignored) = ExportImporter.Recognize(name, content.Span);
                    if (kind is null)
                    {
                        results[index] = new LandedCandidate(null, null, why!, ignored);
                    }
                    else
                    {
                        var key = ExportRawKey.For(kind.Value, content.Span).ToString();
                        results[index] = new LandedCandidate(kind, key, null);
                        // The same content offered twice (two zips, two names) is landed and read by one worker only.
                        if (isNew.TryAdd(key, false))
                        {
                            // A copy already landed is checked against these bytes: one cut short or changed on disk is landed again.
                            var (intact, damage) = await LandedExportFile.CompareAsync(raw, key, content.Memory, failed.Token).ConfigureAwait(false);
                            if (intact != true)
                            {
                                using var stream = content.OpenRead();
                                await raw.PutAsync(key, stream, "application/json", failed.Token).ConfigureAwait(false);
                                isNew[key] = true;
                                if (damage is not null)
                                {
                                    restored[key] = damage;
                                }
                            }
                            contents[key] = ExportFileReader.Read(content.Span, pool);
                        }
                    }
                    Report(content.Length);
                }
            }
        }

        async Task GuardAsync(Func<Task> work)
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch
            {
                // A failure that is not a file's own (storage unreachable) stops the reader and the other workers.
                await failed.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(() => GuardAsync(WorkAsync), failed.Token)).Prepend(Task.Run(() => GuardAsync(ReadAsync), failed.Token));
        var running = tasks.ToList();
        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The cancellation came from the failure of another task: that failure is what went wrong.
            var cause = running.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            }
            throw;
        }
        finally
        {
            // Files read but left in the queue by workers that stopped on a failure: their buffers go back to the pool.
            while (channel.Reader.TryRead(out var left))
            {
                left.Bytes.Dispose();
            }
        }
        return new LandingResult(results, contents, isNew, restored);
    }
}
