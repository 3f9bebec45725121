namespace SpotifyEtl.Transformation;

/// <summary>
/// Where a value sits (<c>items[].track.album.id</c>), joined only when a message needs it: the reader
/// names every value it reads, and building those strings eagerly would cost more than parsing. Up to
/// four segments are held apart; a deeper path joins its first ones.
/// </summary>
internal readonly struct JsonPath
{
    private readonly string _root;
    private readonly string? _first;
    private readonly string? _second;
    private readonly string? _third;

    public JsonPath(string root, string? field = null)
    {
        _root = root;
        _first = field;
    }

    private JsonPath(string root, string? first, string? second, string? third)
    {
        _root = root;
        _first = first;
        _second = second;
        _third = third;
    }

    /// <summary>The path of a field of the value here.</summary>
    public JsonPath Then(string field) =>
        _first is null ? new(_root, field, null, null)
        : _second is null ? new(_root, _first, field, null)
        : _third is null ? new(_root, _first, _second, field)
        : new(ToString(), field, null, null);

    public override string ToString() => string.Join('.', new[] { _root, _first, _second, _third }.Where(s => s is not null));

    public static implicit operator JsonPath(string path) => new(path);
}
