namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// The lake cannot be read as its tables: mixed formats, a CSV header that differs from the contract, a damaged file.
/// <paramref name="table"/>: the table whose file it is, when one is to blame.
/// </summary>
internal sealed class LakeException(string message, string? table = null) : Exception(message)
{
    public string? Table { get; } = table;
}
