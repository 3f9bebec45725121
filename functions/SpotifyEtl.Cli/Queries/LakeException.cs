namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// The lake cannot be read as its tables: mixed formats, a CSV header that differs from the contract, a damaged file.
/// <paramref name="table"/>: the table whose file it is, when one is to blame.
/// </summary>
internal sealed class LakeException(string message, string? table = null) : Exception(message)
{
    public string? Table { get; } = table;

    /// <summary>
    /// A table's file this user may not open (a lake shared by another user), named by its key in the lake. The file is
    /// whole: writing it again would not help a reader of a lake shared with them, so the advice is access, not a rewrite.
    /// </summary>
    public static LakeException NotReadable(string table, string key) =>
        new($"Table '{table}' cannot be read: this user may not read its file {key} (permission denied). " +
            "Ask the lake's owner for read access to its files and folders, or run as that user.", table);
}
