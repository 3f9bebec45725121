namespace SpotifyEtl.Cli.Queries;

/// <summary>The lake cannot be read as its tables: mixed formats, a CSV header that differs from the contract.</summary>
internal sealed class LakeException(string message) : Exception(message);
