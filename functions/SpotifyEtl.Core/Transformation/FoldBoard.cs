using System.Runtime.ExceptionServices;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation;

/// <summary>
/// The folds in flight of one batch (its days, two at a time, each parsed by its share of the workers), so
/// that a worker whose fold has no object left helps one that has. Days differ in size: without this the
/// larger of two days parsed its last objects on its own share of the cores while the rest idled.
/// <para>
/// A helper folds into tables of its own for the day it helps, and hands them to that day's fold, which
/// waits for every helper before it folds the tables together: the fold does not depend on order or on
/// who parsed what, so neither does the result. A helper's failure fails the fold it helped.
/// </para>
/// </summary>
internal sealed class FoldBoard(int workersPerFold, int workers)
{
    /// <summary>
    /// A helper's tables are folded in at the end, which costs about what they hold: a fold with fewer
    /// objects left than this finishes sooner on its own workers.
    /// </summary>
    private const int WorthHelping = 2;

    private readonly Lock _lock = new();
    private readonly List<Fold> _open = [];
    private int _busy;

    /// <summary>The fewest workers a fold starts with: the batch's workers shared by the days in flight (<see cref="Open"/>).</summary>
    public int WorkersPerFold { get; } = workersPerFold;

    /// <summary>
    /// Opens a fold of these objects to helpers and starts its own workers: its share of the batch's, or every
    /// worker idle at that moment when more are. A day whose listing ends after the other day's objects were all
    /// taken finds the workers that had nothing to help stopped, and takes them, so the cores a day gets do not
    /// depend on which listing finished first. <see cref="Fold.CloseAsync"/> takes the fold off the board.
    /// </summary>
    /// <returns>The fold, and how many workers of its own to run (each stops with <see cref="Stop"/> or <see cref="StopOrJoin"/>).</returns>
    public (Fold Fold, int Workers) Open(DateOnly date, IReadOnlyList<ObjectVersion> inputs)
    {
        var fold = new Fold(this, date, inputs);
        lock (_lock)
        {
            _open.Add(fold);
            var own = Math.Max(1, Math.Min(inputs.Count, Math.Max(WorkersPerFold, workers - _busy)));
            _busy += own;
            return (fold, own);
        }
    }

    /// <summary>A worker stops, for good.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _busy--;
        }
    }

    /// <summary>
    /// A worker stops folding what it was: it goes on with the open fold that has the most objects left, unless
    /// none is worth helping or the batch's workers are all busy (a day that started meanwhile has its own);
    /// null when it stops for good.
    /// </summary>
    public Fold? StopOrJoin()
    {
        lock (_lock)
        {
            var best = _busy <= workers ? _open.Where(f => f.Left >= WorthHelping).MaxBy(f => f.Left) : null;
            if (best is null)
            {
                _busy--;
                return null;
            }
            best.AddHelper();
            return best;
        }
    }

    /// <summary>One day's (or one run's) objects, taken one at a time by the day's workers and its helpers.</summary>
    internal sealed class Fold(FoldBoard board, DateOnly date, IReadOnlyList<ObjectVersion> inputs)
    {
        private readonly List<SnapshotTables> _helped = [];
        private readonly TaskCompletionSource _helpersDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _next = -1;
        private int _failed;
        private int _rewritten;
        private int _helpers;
        private bool _closed;
        private ExceptionDispatchInfo? _helperFailure;

        public DateOnly Date { get; } = date;

        /// <summary>The objects, each with the tag its listing gave it.</summary>
        public IReadOnlyList<ObjectVersion> Inputs { get; } = inputs;

        /// <summary>One report per object, in the order of <see cref="Inputs"/>, whoever folded it.</summary>
        public TransformReport[] Reports { get; } = new TransformReport[inputs.Count];

        /// <summary>
        /// Whether an object was read with another tag than its listing's: rewritten since it was listed, perhaps back to
        /// the listed bytes by now, so that a new listing would not tell. Nothing built from this fold may stand.
        /// </summary>
        public bool ReadOtherThanListed => Volatile.Read(ref _rewritten) != 0;

        public void SawRewrite() => Volatile.Write(ref _rewritten, 1);

        /// <summary>Objects no worker has taken yet; none once a worker failed or a read was not the one listed.</summary>
        public int Left => Going ? Math.Max(0, Inputs.Count - Volatile.Read(ref _next) - 1) : 0;

        /// <summary>
        /// The index of the next object to fold, or false once there is none, a worker failed, or a read was not the one
        /// listed (<see cref="ReadOtherThanListed"/>: nothing of this fold stands, so the rest is not read).
        /// </summary>
        public bool TryTake(out int index)
        {
            index = Going ? Interlocked.Increment(ref _next) : Inputs.Count;
            return index < Inputs.Count;
        }

        private bool Going => Volatile.Read(ref _failed) == 0 && Volatile.Read(ref _rewritten) == 0;

        /// <summary>A failure that is not an object's own (storage unreachable, say): the other workers stop after the object they are on.</summary>
        public void Fail() => Volatile.Write(ref _failed, 1);

        internal void AddHelper() => _helpers++;

        /// <summary>A helper is done: its tables (none if it failed) go to the fold.</summary>
        public void Leave(SnapshotTables? tables, Exception? failure)
        {
            lock (board._lock)
            {
                if (tables is not null)
                {
                    _helped.Add(tables);
                }
                if (failure is not null)
                {
                    Fail();
                    _helperFailure ??= ExceptionDispatchInfo.Capture(failure);
                }
                if (--_helpers == 0 && _closed)
                {
                    _helpersDone.TrySetResult();
                }
            }
        }

        /// <summary>
        /// Takes the fold off the board once its own workers are done (or failed), and waits for the helpers that
        /// joined it: none writes into it after this.
        /// </summary>
        public Task CloseAsync()
        {
            lock (board._lock)
            {
                board._open.Remove(this);
                _closed = true;
                if (_helpers == 0)
                {
                    _helpersDone.TrySetResult();
                }
            }
            return _helpersDone.Task;
        }

        /// <summary>The tables the helpers folded, once the fold is closed; the first helper's failure, if one failed.</summary>
        public List<SnapshotTables> Helped()
        {
            _helperFailure?.Throw();
            return _helped;
        }
    }
}
