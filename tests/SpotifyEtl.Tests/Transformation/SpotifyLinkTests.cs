using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Parquet;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// A track's or album's web link that is its id's is kept as the id and spelled again where it is written
/// (<see cref="SpotifyUrls"/>). Whatever form a link takes, each place that shows it, the row, its Parquet file, its
/// digest, shows the text the response held.
/// </summary>
public sealed class SpotifyLinkTests
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly DateOnly Day = new(2026, 11, 20);
    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>An id: mostly Spotify's 22 letters and digits, sometimes shorter, longer than a kept link's, or with other characters.</summary>
    private static string Id(Random random, int index)
    {
        var length = random.Next(6) switch { 0 => random.Next(1, 6), 1 => random.Next(60, 70), _ => 22 };
        var id = new StringBuilder($"{Base62[index % 62]}{Base62[index / 62 % 62]}");
        while (id.Length < length)
        {
            id.Append(random.Next(12) == 0 ? "-é_ "[random.Next(4)] : Base62[random.Next(62)]);
        }
        return id.ToString();
    }

    /// <summary>The "external_urls" of an object of <paramref name="kind"/> (track, album) and the link a reader should keep from it.</summary>
    private static (string Json, string? Link) Links(Random random, string kind, string id, string otherId)
    {
        var own = $"https://open.spotify.com/{kind}/{id}";
        // Characters past ASCII as UTF-8, not escaped: a link's bytes are what the reader looks at.
        string Quoted(string text) => JsonSerializer.Serialize(text, Unescaped);
        var link = random.Next(12) switch
        {
            0 => $"https://open.spotify.com/{kind}/{otherId}",
            1 => own + "?si=5d1c",
            2 => own + "/",
            3 => $"https://open.spotify.com/{(kind == "track" ? "album" : "track")}/{id}",
            4 => $"https://open.spotify.com/intl-de/{kind}/{id}",
            5 => $"https://open.spotify.com/{kind}/",
            6 => $"https://open.spotify.com/{kind}/{id}é",
            _ => own,
        };
        return random.Next(10) switch
        {
            // Escaped slashes: the same text, which the reader unescapes.
            0 => ($$"""{"spotify":{{Quoted(link).Replace("/", "\\/", StringComparison.Ordinal)}}}""", link),
            1 => ("null", null),
            2 => ("""{"spotify":null}""", null),
            3 => ($$"""{"spotify":{{Quoted(link)}},"spotify":null}""", null),
            4 => ($$"""{"spotify":null,"spotify":{{Quoted(link)}}}""", link),
            5 => ($$"""{"spotify":"https://example.com/x","spotify":{{Quoted(link)}}}""", link),
            6 => ($$"""{"spotify":{{Quoted(link)}},"spotify":"https://example.com/x"}""", "https://example.com/x"),
            _ => ($$"""{"spotify":{{Quoted(link)}}}""", link),
        };
    }

    /// <summary>A track whose "id" comes before or after its links, as Spotify's alphabetical order or any other puts it.</summary>
    private static (string Json, string? TrackLink, string? AlbumLink) Track(Random random, string id, string albumId, string otherId)
    {
        var (trackLinks, trackLink) = Links(random, "track", id, otherId);
        var (albumLinks, albumLink) = Links(random, "album", albumId, otherId);
        var album = random.Next(2) == 0
            ? $$"""{"album_type":"album","external_urls":{{albumLinks}},"id":"{{albumId}}","name":"A"}"""
            : $$"""{"id":"{{albumId}}","name":"A","external_urls":{{albumLinks}}}""";
        if (random.Next(8) == 0)
        {
            // Links given twice: the last stands.
            var (earlier, _) = Links(random, "album", albumId, otherId);
            album = $$"""{"external_urls":{{earlier}},"id":"{{albumId}}","external_urls":{{albumLinks}}}""";
        }
        var track = random.Next(2) == 0
            ? $$"""{"album":{{album}},"artists":[{"id":"ar1","name":"B"}],"external_urls":{{trackLinks}},"id":"{{id}}","name":"S","type":"track"}"""
            : $$"""{"id":"{{id}}","type":"track","name":"S","external_urls":{{trackLinks}},"album":{{album}},"artists":[{"id":"ar1","name":"B"}]}""";
        return (track, trackLink, albumLink);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Every_link_a_response_holds_reads_back_as_its_text_from_the_rows_the_parquet_files_and_the_digest(int seed)
    {
        var random = new Random(seed);
        var tracks = Enumerable.Range(0, 300).Select(i => (Id: Id(random, i), AlbumId: "al" + Id(random, i))).ToList();
        var generated = tracks.Select((t, i) => Track(random, t.Id, t.AlbumId, tracks[(i + 1) % tracks.Count].Id)).ToList();
        var page = SpotifyJson.Page(0, [.. generated.Select(g => SpotifyJson.Entry(g.Json))]);
        var key = new RawObjectKey(RawSource.PlaylistItems, Day, "pl1", "20261120T060000Z", 1);

        var output = RawObjectTransformer.Transform(key, Encoding.UTF8.GetBytes(page));

        var expectedSongs = tracks.Select((t, i) => (t.Id, generated[i].TrackLink)).ToDictionary(p => p.Id, p => p.TrackLink, StringComparer.Ordinal);
        var expectedAlbums = tracks.Select((t, i) => (t.AlbumId, generated[i].AlbumLink)).ToDictionary(p => p.AlbumId, p => p.AlbumLink, StringComparer.Ordinal);
        Assert.Equal(expectedSongs.Count, output.Songs.Count);
        Assert.All(output.Songs, song => Assert.Equal(expectedSongs[song.Key], song.Value.SongUrl));
        Assert.All(output.Albums, album => Assert.Equal(expectedAlbums[album.Key], album.Value.AlbumUrl));

        var songs = output.Songs.Values.OrderBy(s => s.SongId, StringComparer.Ordinal).ToList();
        var albums = output.Albums.Values.OrderBy(a => a.AlbumId, StringComparer.Ordinal).ToList();
        Assert.Equal(songs.Select(s => Clean(expectedSongs[s.SongId])), await TextColumnAsync(songs, "song_url"));
        Assert.Equal(albums.Select(a => Clean(expectedAlbums[a.AlbumId])), await TextColumnAsync(albums, "album_url"));

        // A row with each link as text is the row the response gave: equal, and its digest's bytes are the same.
        var asText = songs.Select(s => new SongRow(s.SongId, s.SongName, s.DurationMs, s.Explicit, s.Isrc, s.Popularity, s.TrackNumber,
            s.DiscNumber, s.AlbumId, s.PrimaryArtistId, expectedSongs[s.SongId] is { } text ? new string(text) : null)).ToList();
        Assert.Equal(songs, asText);
        var date = Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var fromParse = DigestBuilder.Of(new DimensionState([.. songs.Select(s => new CurrentRow<SongRow>(date, s))],
            [.. albums.Select(a => new CurrentRow<AlbumRow>(date, a))], [], [], []));
        using var stored = fromParse.Store();
        using var copy = new MemoryStream();
        stored.CopyTo(copy);
        var buffer = ArrayPool<byte>.Shared.Rent((int)copy.Length);
        copy.ToArray().CopyTo(buffer, 0);
        using var read = Digest.Read(new PooledBytes(buffer, (int)copy.Length), "a digest");
        var decoded = read.ToState();
        Assert.Equal(songs.Select(s => expectedSongs[s.SongId]), decoded.Songs.Select(r => r.Row.SongUrl));
        Assert.Equal(albums.Select(a => expectedAlbums[a.AlbumId]), decoded.Albums.Select(r => r.Row.AlbumUrl));
    }

    [Fact]
    public void A_row_gives_the_link_it_was_given_and_rows_with_the_same_text_are_equal()
    {
        var random = new Random(26);
        for (var trial = 0; trial < 500; trial++)
        {
            var id = Id(random, trial);
            var (_, link) = Links(random, "track", id, Id(random, trial + 1));
            var row = new SongRow(id, "S", null, null, null, null, null, null, null, null, link);
            var again = new SongRow(id, "S", null, null, null, null, null, null, null, null, link is null ? null : new string(link));

            Assert.Equal(link, row.SongUrl);
            Assert.Equal(row, again);
            Assert.Equal(row.GetHashCode(), again.GetHashCode());
            Assert.Equal(link, (row with { SongName = "T" }).SongUrl);
            Assert.Equal("https://example.com/x", (row with { SongUrl = "https://example.com/x" }).SongUrl);
            // The id's own link stays the id's own in a copy with another id; any other link stays as it was.
            var ownLink = link == $"https://open.spotify.com/track/{id}" && id.All(char.IsAsciiLetterOrDigit);
            Assert.Equal(ownLink ? "https://open.spotify.com/track/z9" : link, (row with { SongId = "z9" }).SongUrl);
        }
    }

    private static string? Clean(string? text) => AthenaValues.Text(text);

    private static async Task<List<string?>> TextColumnAsync<T>(IReadOnlyList<T> rows, string column) where T : ITableRow<T>
    {
        using var file = new MemoryStream();
        ParquetTable.Write(file, rows);
        file.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(file);
        var field = reader.Schema.GetDataFields().Single(f => f.Name == column);
        var values = new List<string?>();
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            var texts = new string?[rowGroup.RowCount];
            await rowGroup.ReadAsync(field, texts.AsMemory()!);
            values.AddRange(texts);
        }
        return values;
    }
}
