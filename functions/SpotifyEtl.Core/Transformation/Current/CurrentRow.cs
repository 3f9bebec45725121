namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// A row of a current-state table (<c>songs_current</c>, ...): the latest row of its id in the daily
/// table, with the snapshot date it comes from as an ordinary last column.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types",
    Justification = "ITableRow's static members: the table and schema of CurrentRow<SongRow> are songs_current's.")]
public sealed record CurrentRow<T>(string SnapshotDate, T Row) : ITableRow<CurrentRow<T>> where T : ITableRow<T>
{
    public static string Table { get; } = T.Table + CurrentTables.Suffix;

    public static IReadOnlyList<TableColumn<CurrentRow<T>>> Schema { get; } =
    [
        .. T.Schema.Select(Wrap),
        TableColumn<CurrentRow<T>>.Text(StackContract.PartitionColumn, r => r.SnapshotDate),
    ];

    private static TableColumn<CurrentRow<T>> Wrap(TableColumn<T> column) => column.Type switch
    {
        ColumnType.WholeNumber => TableColumn<CurrentRow<T>>.Number(column.Name, r => column.IntOf!(r.Row)),
        ColumnType.Boolean => TableColumn<CurrentRow<T>>.Boolean(column.Name, r => column.BooleanOf!(r.Row)),
        _ => TableColumn<CurrentRow<T>>.Text(column.Name, r => column.TextOf!(r.Row)),
    };
}
