namespace SpotifyEtl.Storage;

/// <summary>A folder stands where the local lake writes a file (a link to one is replaced like a file): the lake's to mend, nothing the disk or permissions cause.</summary>
public sealed class EntryInTheWayException(string path)
    : IOException($"{path} is a folder where the lake keeps a file: move it out of the lake (or remove it), then run again.")
{
    public string Path { get; } = path;
}
