using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

public sealed class ExtractionStateTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_first_run_starts_from_empty_state_even_where_reading_a_missing_key_is_denied()
    {
        var store = new DeniesMissingKeys(new LocalFolderStore(_folder.Path));

        var state = await ExtractionState.LoadAsync(store, CancellationToken.None);

        Assert.Empty(state.Playlists);
        Assert.Null(state.RecentlyPlayed);
    }

    [Fact]
    public async Task Saved_state_is_read_back_by_the_next_run()
    {
        var store = new DeniesMissingKeys(new LocalFolderStore(_folder.Path));
        var saved = new ExtractionState { RecentlyPlayed = new RecentlyPlayedState("1763700600000", "20261121T060000Z") };
        saved.Playlists["pl1"] = new PlaylistState("snap-1", "20261121T060000Z", "Road Trip");

        await saved.SaveAsync(store, CancellationToken.None);
        var loaded = await ExtractionState.LoadAsync(store, CancellationToken.None);

        Assert.Equal("snap-1", loaded.Playlists["pl1"].SnapshotId);
        Assert.Equal("1763700600000", loaded.RecentlyPlayed!.After);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_state_file_with_a_member_missing_null_or_of_another_kind_is_refused_by_name_or_read_whole(int seed)
    {
        // A state with every part, then each of its members (at any depth) removed, set to null or given a value of
        // another kind; a few at a time.
        var full = new ExtractionState
        {
            RecentlyPlayed = new RecentlyPlayedState("1763700600000", "20261121T060000Z"),
            LastRunId = "20261121T060000Z",
            SavedTracks = new SavedTracksState("2026-11-20", "20261121T060000Z", "2026-11-20T10:00:00Z"),
            Wait = new SpotifyWait(DateTimeOffset.Parse("2026-11-21T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture), QuotaExceeded: false),
        };
        full.Playlists["pl1"] = new PlaylistState("snap-1", "20261121T060000Z", "Road Trip");
        full.Playlists["pl2"] = new PlaylistState("snap-2", "20261121T060000Z");
        full.LandedOn["saved_tracks"] = "2026-11-21";
        full.ETags["me/playlists?limit=50"] = new EntityTagState("\"abc\"", HasNext: false);
        var random = new Random(seed);
        var (refusedRounds, readRounds) = (0, 0);
        System.Text.Json.Nodes.JsonNode[] others = [null!, 7, "text", true, new System.Text.Json.Nodes.JsonArray(), new System.Text.Json.Nodes.JsonObject()];
        for (var round = 0; round < 60; round++)
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(full, ExtractionJsonContext.Default.ExtractionState))!.AsObject();
            for (var change = random.Next(1, 3); change > 0; change--)
            {
                var members = Members(json).ToList();
                var (parent, name) = members[random.Next(members.Count)];
                if (random.Next(3) == 0)
                {
                    parent.Remove(name);
                }
                else
                {
                    parent[name] = others[random.Next(others.Length)]?.DeepClone();
                }
            }
            var store = new LocalFolderStore(_folder[$"state-{seed}-{round}"]);
            await store.PutBytesAsync(ExtractionState.Key, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), "application/json");

            var faults = new List<string>();
            Check(json, StateShape, faults);

            ExtractionState? loaded = null;
            try
            {
                loaded = await ExtractionState.LoadAsync(store, CancellationToken.None);
            }
            catch (InvalidDataException refused)
            {
                Assert.True(faults.Count > 0, $"{json.ToJsonString()} was refused, though every member it needs is there and of its kind: {refused.Message}");
                Assert.Contains(ExtractionState.Key, refused.Message, StringComparison.Ordinal);
                Assert.Contains("Fix or delete it", refused.Message, StringComparison.Ordinal);
                var said = Plain(refused.Message);
                Assert.True(faults.Any(fault => said.Contains(Plain(fault), StringComparison.Ordinal)),
                    $"{json.ToJsonString()}: the refusal names none of {string.Join(", ", faults)}: {refused.Message}");
                refusedRounds++;
                continue;
            }
            Assert.True(faults.Count == 0, $"{json.ToJsonString()} was read, though {string.Join(", ", faults)} is missing or of another kind");
            // Read: nothing the run relies on is null.
            Assert.All(NonNullMembers(loaded), member => Assert.True(member.Value is not null, $"{json.ToJsonString()}: {member.Name} was read as null"));
            readRounds++;
        }
        Assert.True(refusedRounds > 0 && readRounds > 0, $"{refusedRounds} refused, {readRounds} read: the changes tried only one outcome");
    }

    /// <summary>A member's name as a message may give it ("snapshot_id", "SnapshotId"): lower case, without underscores.</summary>
    private static string Plain(string text) => text.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>What a member of the state file may hold, and whether a file without it is read.</summary>
    private sealed record Shape(string Kind, bool Required, bool MayBeNull, Dictionary<string, Shape>? Members = null, Shape? Entries = null);

    private static Shape Text(bool required) => new("text", required, MayBeNull: !required);

    private static Shape Record(bool required, params (string Name, Shape Shape)[] members) =>
        new("record", required, MayBeNull: !required, members.ToDictionary(member => member.Name, member => member.Shape));

    private static Shape Collection(Shape entries) => new("collection", Required: false, MayBeNull: false, Entries: entries);

    /// <summary>
    /// The state file's shape as the reader reads it: a record's positional members must be there, and not null unless
    /// they may be null (a playlist's name, saved tracks' newest added_at); the records at the top may be left out or
    /// null; a collection may be left out, but not given as null; an entry of a collection given as null is left out.
    /// </summary>
    private static readonly Shape StateShape = Record(false,
        ("playlists", Collection(Record(true, ("snapshot_id", Text(true)), ("run_id", Text(true)), ("name", Text(false))))),
        ("recently_played", Record(false, ("after", Text(true)), ("run_id", Text(true)))),
        ("landed_on", Collection(Text(true))),
        ("last_run_id", Text(false)),
        ("saved_tracks", Record(false, ("last_full_pass", Text(true)), ("run_id", Text(true)), ("newest_added_at", Text(false)))),
        ("wait", Record(false, ("until", new Shape("time", true, MayBeNull: false)), ("quota_exceeded", new Shape("boolean", true, MayBeNull: false)))),
        ("etags", Collection(Record(true, ("etag", Text(true)), ("has_next", new Shape("boolean", true, MayBeNull: false))))));

    /// <summary>Adds to <paramref name="faults"/> the name of each member the reader must refuse <paramref name="value"/> over.</summary>
    private static void Check(System.Text.Json.Nodes.JsonNode? value, Shape shape, List<string> faults, string name = "state", bool isEntry = false)
    {
        if (value is null)
        {
            // An entry given as null is left out; a member that may not be null is refused.
            if (!shape.MayBeNull && !isEntry)
            {
                faults.Add(name);
            }
            return;
        }
        var kind = value.GetValueKind();
        var fits = shape.Kind switch
        {
            "text" => kind == System.Text.Json.JsonValueKind.String,
            "time" => kind == System.Text.Json.JsonValueKind.String && DateTimeOffset.TryParse(value.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out _),
            "boolean" => kind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False,
            _ => kind == System.Text.Json.JsonValueKind.Object,
        };
        if (!fits)
        {
            faults.Add(name);
            return;
        }
        if (shape.Entries is { } entries)
        {
            foreach (var (key, entry) in value.AsObject())
            {
                Check(entry, entries, faults, key, isEntry: true);
            }
        }
        foreach (var (member, memberShape) in shape.Members ?? [])
        {
            if (value.AsObject().TryGetPropertyValue(member, out var held))
            {
                Check(held, memberShape, faults, member);
            }
            else if (memberShape.Required)
            {
                faults.Add(member);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Every_state_a_run_saves_is_read_back_whole_by_the_next_whatever_its_members_that_may_be_null(int seed)
    {
        // The state is written without its nulls (a saved-tracks pass over an empty library has no newest added_at, a
        // playlist may have no name): the next run, and every run after it, must read such a state, not refuse it.
        var random = new Random(seed);
        string? Maybe(string value) => random.Next(2) == 0 ? null : value;
        for (var round = 0; round < 40; round++)
        {
            var state = new ExtractionState
            {
                RecentlyPlayed = random.Next(2) == 0 ? null : new RecentlyPlayedState("1763700600000", "20261121T060000Z"),
                LastRunId = Maybe("20261121T060000Z"),
                SavedTracks = random.Next(3) == 0 ? null : new SavedTracksState("2026-11-20", "20261121T060000Z", Maybe("2026-11-20T10:00:00Z")),
                Wait = random.Next(2) == 0 ? null : new SpotifyWait(DateTimeOffset.UnixEpoch.AddDays(random.Next(20_000, 21_000)), random.Next(2) == 0),
            };
            for (var i = random.Next(4); i > 0; i--)
            {
                state.Playlists[$"pl{i}"] = new PlaylistState($"snap-{i}", "20261121T060000Z", Maybe($"Mix {i}"));
            }
            var store = new LocalFolderStore(_folder[$"round-trip-{seed}-{round}"]);

            await state.SaveAsync(store, CancellationToken.None);
            var loaded = await ExtractionState.LoadAsync(store, CancellationToken.None);

            Assert.Equal(Json(state), Json(loaded));
        }
    }

    [Theory]
    [InlineData("""{"saved_tracks":{"last_full_pass":"2026-11-20","run_id":"20261121T060000Z"}}""")]
    [InlineData("""{"playlists":{"pl1":{"snapshot_id":"snap-1","run_id":"20261121T060000Z"}}}""")]
    [InlineData("""{"saved_tracks":{"newest_added_at":null,"last_full_pass":"2026-11-20","run_id":"r"},"playlists":{"pl1":{"snapshot_id":"s","name":null,"run_id":"r"}}}""")]
    public async Task A_state_without_a_member_that_may_be_null_is_read_with_that_member_null(string file)
    {
        var store = new LocalFolderStore(_folder["without"]);
        await store.PutBytesAsync(ExtractionState.Key, System.Text.Encoding.UTF8.GetBytes(file), "application/json");

        var loaded = await ExtractionState.LoadAsync(store, CancellationToken.None);

        Assert.Null(loaded.SavedTracks?.NewestAddedAt);
        Assert.All(loaded.Playlists.Values, playlist => Assert.Null(playlist.Name));
    }

    [Theory]
    [InlineData("playlists")]
    [InlineData("landed_on")]
    [InlineData("etags")]
    public async Task An_entry_given_as_null_is_left_out_and_the_others_are_read(string collection)
    {
        // The reader takes a null dictionary value as it is, whatever the value's type says; a run would trip over it.
        var entry = collection switch
        {
            "playlists" => """{"snapshot_id":"snap-1","run_id":"r"}""",
            "etags" => """{"etag":"\"abc\"","has_next":false}""",
            _ => "\"2026-11-21\"",
        };
        var store = new LocalFolderStore(_folder[$"null-entry-{collection}"]);
        await store.PutBytesAsync(ExtractionState.Key, System.Text.Encoding.UTF8.GetBytes("{\"" + collection + "\":{\"gone\":null,\"kept\":" + entry + "}}"), "application/json");

        var loaded = await ExtractionState.LoadAsync(store, CancellationToken.None);

        IEnumerable<string> keys = collection switch
        {
            "playlists" => loaded.Playlists.Keys,
            "etags" => loaded.ETags.Keys,
            _ => loaded.LandedOn.Keys,
        };
        Assert.Equal(["kept"], keys.ToArray());
    }

    private static string Json(ExtractionState state) =>
        System.Text.Encoding.UTF8.GetString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(state, ExtractionJsonContext.Default.ExtractionState));

    /// <summary>Every member of every object in the document, with the object holding it.</summary>
    private static IEnumerable<(System.Text.Json.Nodes.JsonObject Parent, string Name)> Members(System.Text.Json.Nodes.JsonObject json)
    {
        foreach (var (name, value) in json.ToList())
        {
            yield return (json, name);
            if (value is System.Text.Json.Nodes.JsonObject inner)
            {
                foreach (var member in Members(inner))
                {
                    yield return member;
                }
            }
        }
    }

    /// <summary>The members a state declares non-null, at every depth (dictionary values included), with their values.</summary>
    private static IEnumerable<(string Name, object? Value)> NonNullMembers(object? value, string path = "state")
    {
        if (value is null or string or ValueType)
        {
            yield break;
        }
        if (value is System.Collections.IDictionary dictionary)
        {
            foreach (System.Collections.DictionaryEntry entry in dictionary)
            {
                yield return ($"{path}[{entry.Key}]", entry.Value);
                foreach (var inner in NonNullMembers(entry.Value, $"{path}[{entry.Key}]"))
                {
                    yield return inner;
                }
            }
            yield break;
        }
        var nullability = new System.Reflection.NullabilityInfoContext();
        foreach (var property in value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
        {
            var member = property.GetValue(value);
            if (nullability.Create(property).ReadState == System.Reflection.NullabilityState.NotNull)
            {
                yield return ($"{path}.{property.Name}", member);
            }
            foreach (var inner in NonNullMembers(member, $"{path}.{property.Name}"))
            {
                yield return inner;
            }
        }
    }

    /// <summary>
    /// S3 answers a read of a missing key with 403 Access Denied, not 404, when the role may not list the
    /// whole bucket, as the extract role may list state/ only.
    /// </summary>
    private sealed class DeniesMissingKeys(IObjectStore inner) : ForwardingStore(inner)
    {
        public override async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
            await base.ExistsAsync(key, cancellationToken) ? await base.OpenReadAsync(key, cancellationToken) : throw new UnauthorizedAccessException("Access Denied");

        public override Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => throw new UnauthorizedAccessException("Access Denied");
    }
}
