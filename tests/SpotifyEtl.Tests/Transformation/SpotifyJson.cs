using System.Globalization;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>Small, readable Spotify responses for tests, in the 2026 shapes.</summary>
internal static class SpotifyJson
{
    public static string Artist(string id, string name) =>
        $$"""{"id":"{{id}}","name":{{Quote(name)}},"type":"artist","uri":"spotify:artist:{{id}}","external_urls":{"spotify":"https://open.spotify.com/artist/{{id}}"} }""";

    public static string Album(string id, string name, string releaseDate, string precision, string albumType = "album", int totalTracks = 10) =>
        $$"""{"id":"{{id}}","name":{{Quote(name)}},"album_type":"{{albumType}}","total_tracks":{{totalTracks}},"release_date":"{{releaseDate}}","release_date_precision":"{{precision}}","images":[],"external_urls":{"spotify":"https://open.spotify.com/album/{{id}}"} }""";

    /// <summary>A track as a Development Mode app sees it: no popularity, no available_markets.</summary>
    public static string Track(string id, string name, string album, params string[] artists) =>
        $$"""{"id":"{{id}}","name":{{Quote(name)}},"type":"track","duration_ms":200000,"track_number":3,"disc_number":1,"explicit":false,"is_local":false,"external_ids":{"isrc":"ISRC{{id}}"},"external_urls":{"spotify":"https://open.spotify.com/track/{{id}}"},"album":{{album}},"artists":[{{string.Join(",", artists)}}]}""";

    public const string LocalFile =
        """{"id":null,"name":"Demo 1","type":"track","is_local":true,"uri":"spotify:local:Me::Demo+1:120","album":{"id":null,"name":""},"artists":[{"id":null,"name":"Me"}]}""";

    public const string Episode =
        """{"id":"ep1","name":"Episode 1","type":"episode","duration_ms":1000,"show":{"id":"show1","name":"A Show"}}""";

    /// <summary>A playlist entry with the track under <c>item</c>, under <c>track</c>, or under both.</summary>
    public static string Entry(string content, string field = "item", string addedAt = "2026-11-20T08:00:00Z") =>
        field == "both"
            ? $$"""{"added_at":"{{addedAt}}","added_by":{"id":"owner","type":"user"},"is_local":false,"item":{{content}},"track":{{content}} }"""
            : $$"""{"added_at":"{{addedAt}}","added_by":{"id":"owner","type":"user"},"is_local":{{(content == LocalFile ? "true" : "false")}},"{{field}}":{{content}} }""";

    public static string Page(int offset, params string[] items) =>
        $$"""{"href":"https://api.spotify.com/v1/x","items":[{{string.Join(",", items)}}],"limit":50,"next":null,"offset":{{offset.ToString(CultureInfo.InvariantCulture)}},"previous":null,"total":{{items.Length}} }""";

    /// <summary>A page of a list as Spotify pages one: where it stands, the list's total, and its link to the next page (null on the last).</summary>
    public static string ListPage(int offset, int total, string? next, params string[] items) =>
        $$"""{"href":"https://api.spotify.com/v1/me/tracks?offset={{offset.ToString(CultureInfo.InvariantCulture)}}","items":[{{string.Join(",", items)}}],"limit":50,"next":{{(next is null ? "null" : Quote(next))}},"offset":{{offset.ToString(CultureInfo.InvariantCulture)}},"previous":null,"total":{{total.ToString(CultureInfo.InvariantCulture)}} }""";

    public static string Saved(string track, string addedAt) => $$"""{"added_at":"{{addedAt}}","track":{{track}} }""";

    public static string Play(string track, string playedAt, string contextUri = "spotify:playlist:p1") =>
        $$"""{"track":{{track}},"played_at":"{{playedAt}}","context":{"type":"playlist","uri":"{{contextUri}}"} }""";

    public static string Playlist(string id, string name, string snapshotId) =>
        $$"""{"id":"{{id}}","name":{{Quote(name)}},"snapshot_id":"{{snapshotId}}","owner":{"id":"owner","type":"user"},"type":"playlist","items":{"href":"x","total":2} }""";

    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
