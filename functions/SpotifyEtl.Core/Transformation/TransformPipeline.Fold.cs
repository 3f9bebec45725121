using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation;

/// <summary>The parse and fold of a day's (or a run's) raw objects, on several workers at once.</summary>
public sealed partial class TransformPipeline
{
    /// <summary>
    /// Reads and parses the objects on the fold's share of the workers, and on the workers of other folds that
    /// finish first (<see cref="FoldBoard"/>). Each worker folds what it parses into tables of its own, with no
    /// lock between them, and the workers' tables are folded together at the end: the fold does not depend on
    /// order, so neither does the result. <c>AsListed</c> is false when an object read was not the one listed (another
    /// tag): its tables must not be published, and the inputs are listed and read again.
    /// </summary>
    private async Task<(SnapshotTables Tables, List<TransformReport> Reports, bool AsListed)> FoldAsync(FoldBoard folds, DateOnly date, List<ObjectVersion> inputs,
        CancellationToken cancellationToken)
    {
        var (fold, workers) = folds.Open(date, inputs);
        SnapshotTables[] folded;
        try
        {
            folded = await Task.WhenAll(Enumerable.Range(0, workers).Select(_ =>
                Task.Run(() => WorkAsync(folds, fold, cancellationToken), CancellationToken.None))).ConfigureAwait(false);
        }
        finally
        {
            // No helper may still be writing into this fold once it returns, failed or not.
            await fold.CloseAsync().ConfigureAwait(false);
        }
        foreach (var tables in folded.Skip(1).Concat(fold.Helped()))
        {
            folded[0].Absorb(tables);
        }
        // A fold that saw a rewrite stopped taking objects: its reports are incomplete, and none of them is kept.
        return fold.ReadOtherThanListed ? (folded[0], [], false) : (folded[0], [.. fold.Reports], true);
    }

    /// <summary>One of a fold's own workers; once the fold has no object left, it goes on to help another.</summary>
    private async Task<SnapshotTables> WorkAsync(FoldBoard folds, FoldBoard.Fold fold, CancellationToken cancellationToken)
    {
        SnapshotTables tables;
        try
        {
            tables = await FoldObjectsAsync(fold, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            folds.Stop();
            throw;
        }
        if (folds.StopOrJoin() is { } other)
        {
            _ = Task.Run(() => HelpAsync(folds, other, cancellationToken), CancellationToken.None);
        }
        return tables;
    }

    /// <summary>Folds objects of another day, then of the next that has some left, each into tables of their own.</summary>
    private async Task HelpAsync(FoldBoard folds, FoldBoard.Fold fold, CancellationToken cancellationToken)
    {
        for (var helping = fold; helping is not null; helping = folds.StopOrJoin())
        {
            SnapshotTables? tables = null;
            Exception? failure = null;
            try
            {
                tables = await FoldObjectsAsync(helping, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                failure = exception;
            }
            helping.Leave(tables, failure);
            if (failure is not null)
            {
                folds.Stop();
                return;
            }
        }
    }

    /// <summary>Takes the fold's objects one at a time until none is left, folding each into tables of this worker's own.</summary>
    private async Task<SnapshotTables> FoldObjectsAsync(FoldBoard.Fold fold, CancellationToken cancellationToken)
    {
        var tables = new SnapshotTables(fold.Date);
        var rows = new TransformedObject();
        try
        {
            while (fold.TryTake(out var index))
            {
                cancellationToken.ThrowIfCancellationRequested();
                long bytesRead = 0;
                fold.Reports[index] = await FoldOneAsync(tables, rows, fold, index, bytes => bytesRead = bytes, cancellationToken).ConfigureAwait(false);
                _options.Progress?.Report(new TransformProgress(bytesRead));
            }
        }
        catch
        {
            // A failure that is not the object's own (storage unreachable, say) fails the whole fold:
            // the other workers stop after the object they are on, and the invocation is retried.
            fold.Fail();
            throw;
        }
        return tables;
    }

    /// <summary>Reads, parses and folds one raw object; a bad one is quarantined instead.</summary>
    private async Task<TransformReport> FoldOneAsync(SnapshotTables tables, TransformedObject output, FoldBoard.Fold fold, int index, Action<long> read,
        CancellationToken cancellationToken)
    {
        var (rawKey, listed) = fold.Inputs[index];
        if (!RawObjectKey.TryParse(rawKey, out var key, out var problem))
        {
            // A stray file in a day's folder (a manual upload under another name) is set aside, not fatal.
            return await _quarantine.SetAsideAsync(rawKey, RawKeyBatch.LayoutReason(rawKey, problem), cancellationToken).ConfigureAwait(false);
        }
        InvalidRawObjectException invalid;
        string? version;
        PooledBytes pooled;
        try
        {
            pooled = await raw.ReadPooledAsync(rawKey, cancellationToken).ConfigureAwait(false);
        }
        catch (UnreadableObjectException unreadable)
        {
            return TransformReport.Unread(rawKey, unreadable.Reason);
        }
        catch (ObjectNotFoundException)
        {
            // Removed since the listing (by hand: raw objects are never deleted here): a change of the inputs as a rewrite is,
            // so the day is listed and read again without it, rather than failing the invocation for a retry to do the same.
            fold.SawRewrite();
            return TransformReport.Ignored(rawKey, "it was removed while its day was read");
        }
        if (!pooled.IsListed(listed))
        {
            // Rewritten since the listing (on S3 an object put back as it was has its listed ETag again): the fold is
            // read again from a new listing, and this report is not kept.
            pooled.Dispose();
            fold.SawRewrite();
            return TransformReport.Ignored(rawKey, "it was rewritten while its day was read");
        }
        using (var bytes = pooled)
        {
            read(bytes.Length);
            version = bytes.Version;
            try
            {
                var rows = RawObjectTransformer.Transform(key, bytes.Span, output);
                tables.Add(key, rows);
                return TransformReport.Transformed(key, rows);
            }
            catch (InvalidRawObjectException exception)
            {
                invalid = exception;
            }
        }
        return await _quarantine.QuarantineAsync(rawKey, version, invalid, cancellationToken).ConfigureAwait(false);
    }
}
