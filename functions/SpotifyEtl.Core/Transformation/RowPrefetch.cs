using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Rows in the order given, each one's memory asked for a few rows before it is reached. A day's rows are
/// written sorted by id, an order that has nothing to do with where the parse left their objects and
/// strings, so reading a row's first text column waited on main memory once for nearly every row (the most
/// sampled instruction of a run was the load of a string's length, about a tenth of it on one core). Here
/// the row's object is fetched <see cref="Distance"/> rows ahead and its texts half as far, and the wait
/// overlaps the work on the rows in between. A hint only: it changes no value and no order, and on a
/// processor without the instruction the rows pass as they are.
/// </summary>
internal static class RowPrefetch
{
    /// <summary>How many rows ahead a row's object is fetched; its texts are fetched when it is half as far.</summary>
    internal const int Distance = 16;

    public static IEnumerable<T> Ahead<T>(IEnumerable<T> rows) where T : ITableRow<T> =>
        Sse.IsSupported ? Fetching(rows) : rows;

    private static IEnumerable<T> Fetching<T>(IEnumerable<T> rows) where T : ITableRow<T>
    {
        const int Half = Distance / 2;
        // Rows held in a struct: a store into an array of rows would check the row's type, reading the very
        // object the fetch has only just asked for.
        var ring = new Held<T>[Distance];
        var pulled = 0;
        foreach (var row in rows)
        {
            Fetch(row);
            ring[pulled % Distance].Row = row;
            if (pulled >= Half)
            {
                FetchTexts(ring[(pulled - Half) % Distance].Row);
            }
            if (pulled >= Distance - 1)
            {
                yield return ring[(pulled - (Distance - 1)) % Distance].Row;
            }
            pulled++;
        }
        for (var i = Math.Max(0, pulled - (Distance - 1)); i < pulled; i++)
        {
            yield return ring[i % Distance].Row;
        }
    }

    private static void FetchTexts<T>(T row) where T : ITableRow<T>
    {
        foreach (var text in StoredTexts<T>.Columns)
        {
            Fetch(text(row));
        }
    }

    /// <summary>
    /// Asks for the cache line of the object's address and the next: at least 72 bytes of it, a row's fields or a
    /// string's length and first 30 characters (all of an id; most of a URL). The address is read without
    /// pinning; should the collector move the object before the lines arrive, the hint fetches lines no longer
    /// used, which costs nothing but the hint.
    /// </summary>
    private static unsafe void Fetch(object? value)
    {
        if (value is not null)
        {
            var address = (byte*)Unsafe.As<object, nint>(ref value);
            Sse.Prefetch0(address);
            Sse.Prefetch0(address + 64);
        }
    }

    private struct Held<T>
    {
        public T Row;
    }

    /// <summary>The table's text columns as the row holds them, before they are cleaned for writing.</summary>
    private static class StoredTexts<T> where T : ITableRow<T>
    {
        public static readonly Func<T, string?>[] Columns =
            [.. T.Schema.Where(c => c.Type == ColumnType.Text).Select(c => c.StoredTextOf!)];
    }
}
