using System.Buffers;
using System.Text;

namespace SpotifyEtl.Transformation;

/// <summary>
/// The web links of tracks and albums, kept by their ids. Spotify links nearly every track and album to
/// <c>https://open.spotify.com/track/</c> or <c>/album/</c> and its id: such a link is not kept as a string of
/// its own (the longest string of an item: 7 MB of the 90 MB of fresh memory a 10,000-item sample's transform touched) but as
/// <see cref="Spelled"/>, and the table writers and digests spell it from the id, byte for byte the text it was.
/// A link of any other form (another host, an escaped character, an id that is not the row's) is kept as it came.
/// The row's link property (<see cref="SongRow.SongUrl"/>, <see cref="AlbumRow.AlbumUrl"/>) always gives the text.
/// </summary>
internal static class SpotifyUrls
{
    public static ReadOnlySpan<byte> Track => "https://open.spotify.com/track/"u8;

    public static ReadOnlySpan<byte> Album => "https://open.spotify.com/album/"u8;

    /// <summary>The longest id a link is kept by (Spotify's are 22 letters and digits).</summary>
    public const int LongestId = 64;

    /// <summary>
    /// What a row holds in place of a link that is its id's: this object, told by reference. Its text starts with NUL,
    /// which no link a table writes holds (<see cref="AthenaValues.Text"/> removes control characters).
    /// </summary>
    public static readonly string Spelled = new(['\0', 's', 'p', 'e', 'l', 'l', 'e', 'd']);

    /// <summary>Whether <paramref name="url"/> is <paramref name="prefix"/> and then <paramref name="id"/>, an id of letters and digits.</summary>
    public static bool IsLinkOf(string url, ReadOnlySpan<byte> prefix, string? id) =>
        id is { Length: > 0 and <= LongestId } && url.Length == prefix.Length + id.Length && IsId(id)
        && Ascii.Equals(prefix, url.AsSpan(0, prefix.Length)) && url.AsSpan(prefix.Length).SequenceEqual(id);

    /// <summary>The link as a row keeps it: <see cref="Spelled"/> where it is the id's link, otherwise as given.</summary>
    public static string? Keep(string? url, ReadOnlySpan<byte> prefix, string? id) =>
        url is not null && !ReferenceEquals(url, Spelled) && IsLinkOf(url, prefix, id) ? Spelled : url;

    /// <summary>The text of a link a row keeps: spelled from the id where it is <see cref="Spelled"/>.</summary>
    public static string? Text(string? kept, ReadOnlySpan<byte> prefix, string id) =>
        ReferenceEquals(kept, Spelled) ? string.Concat(Encoding.ASCII.GetString(prefix), id) : kept;

    /// <summary>The id a kept link is spelled from, or null where the row keeps its text (or none).</summary>
    public static string? SpelledFrom(string? kept, string id) => ReferenceEquals(kept, Spelled) ? id : null;

    /// <summary>The UTF-8 bytes of the link of <paramref name="id"/> (letters and digits, so one byte each) into <paramref name="into"/>.</summary>
    public static int Write(Span<byte> into, ReadOnlySpan<byte> prefix, string id)
    {
        prefix.CopyTo(into);
        return prefix.Length + Encoding.ASCII.GetBytes(id, into[prefix.Length..]);
    }

    /// <summary>Whether the id is letters and digits only (Spotify's base 62), so that its link is ASCII and clean as it is.</summary>
    public static bool IsId(ReadOnlySpan<char> id) => !id.ContainsAnyExcept(IdChars);

    /// <summary>As <see cref="IsId(ReadOnlySpan{char})"/>, for the UTF-8 bytes of a link's end.</summary>
    public static bool IsId(ReadOnlySpan<byte> id) => !id.ContainsAnyExcept(IdBytes);

    private static readonly SearchValues<char> IdChars = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    private static readonly SearchValues<byte> IdBytes = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);
}

/// <summary>
/// A track's or album's link as read, before the id it may be spelled from is known: Spotify sends
/// <c>external_urls</c> before <c>id</c>. Holds the bytes after the prefix of a link of the id's form; read
/// into again for the next item.
/// </summary>
internal sealed class PendingLink
{
    private readonly byte[] _id = new byte[SpotifyUrls.LongestId];
    private int _length = -1;

    public void Clear() => _length = -1;

    /// <summary>
    /// Takes the link when its bytes are <paramref name="prefix"/> and an id of letters and digits (then it is ASCII, and
    /// its text is those bytes); false for any other, which is read as text.
    /// </summary>
    public bool TryTake(ReadOnlySpan<byte> utf8, ReadOnlySpan<byte> prefix)
    {
        var id = utf8.Length > prefix.Length && utf8.StartsWith(prefix) ? utf8[prefix.Length..] : default;
        if (id.IsEmpty || id.Length > SpotifyUrls.LongestId || !SpotifyUrls.IsId(id))
        {
            _length = -1;
            return false;
        }
        id.CopyTo(_id);
        _length = id.Length;
        return true;
    }

    /// <summary>
    /// The link taken, as a row keeps it: <see cref="SpotifyUrls.Spelled"/> where it ends with <paramref name="id"/>, its
    /// text where it ends with another; null where none was taken.
    /// </summary>
    public string? Resolve(ReadOnlySpan<byte> prefix, string? id)
    {
        if (_length < 0)
        {
            return null;
        }
        var taken = _id.AsSpan(0, _length);
        return id is not null && Ascii.Equals(taken, id)
            ? SpotifyUrls.Spelled
            : string.Concat(Encoding.ASCII.GetString(prefix), Encoding.ASCII.GetString(taken));
    }
}
