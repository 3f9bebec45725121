using System.Text;
using SpotifyEtl.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// What every <see cref="IObjectStore"/> promises, run against each implementation: the local lake
/// and S3 (through a real S3-protocol server). Extraction and transformation rely on nothing else.
/// </summary>
public abstract class ObjectStoreContract
{
    /// <summary>An empty store of the implementation under test.</summary>
    protected abstract Task<IObjectStore> CreateStoreAsync();

    [Fact]
    public async Task Put_then_read_returns_the_same_bytes()
    {
        var store = await CreateStoreAsync();
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();

        await store.PutBytesAsync("raw/a/b.json", bytes, "application/json");

        Assert.Equal(bytes, await store.ReadAllBytesAsync("raw/a/b.json"));
    }

    [Fact]
    public async Task Put_overwrites_an_existing_object_with_shorter_content()
    {
        var store = await CreateStoreAsync();
        await store.PutTextAsync("transformed/songs/songs.csv", "a long first version\n", "text/csv");

        await store.PutTextAsync("transformed/songs/songs.csv", "short\n", "text/csv");

        Assert.Equal("short\n", await store.ReadAllTextAsync("transformed/songs/songs.csv"));
        Assert.Equal(["transformed/songs/songs.csv"], await ListAsync(store, "transformed/"));
    }

    [Fact]
    public async Task Put_accepts_a_stream_of_unknown_length()
    {
        var store = await CreateStoreAsync();
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("forward only, ", 10_000)));

        await using (var forwardOnly = new ForwardOnlyStream(bytes))
        {
            await store.PutAsync("staging/forward.csv", forwardOnly, "text/csv");
        }

        Assert.Equal(bytes, await store.ReadAllBytesAsync("staging/forward.csv"));
    }

    [Fact]
    public async Task Put_writes_a_seekable_stream_from_its_current_position()
    {
        var store = await CreateStoreAsync();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("skip-this|keep this"));
        stream.Position = "skip-this|".Length;

        await store.PutAsync("staging/rest.txt", stream, "text/plain");

        Assert.Equal("keep this", await store.ReadAllTextAsync("staging/rest.txt"));
    }

    [Fact]
    public async Task Put_leaves_the_callers_stream_open()
    {
        var store = await CreateStoreAsync();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("still mine"));

        await store.PutAsync("a.txt", stream, "text/plain");

        Assert.True(stream.CanRead);
    }

    /// <summary>Writers of every shape: no write at all, one byte, many short writes, writes longer than any buffer, mixed.</summary>
    public static TheoryData<int> WriterSeeds() => [.. Enumerable.Range(0, 12)];

    [Theory]
    [MemberData(nameof(WriterSeeds))]
    public async Task Write_stores_exactly_what_the_writer_wrote_however_it_writes(int seed)
    {
        var store = await CreateStoreAsync();
        var random = new Random(seed);
        var writes = Enumerable.Range(0, seed == 0 ? 0 : random.Next(1, 60)).Select(_ =>
        {
            var length = random.Next(4) switch { 0 => random.Next(0, 4), 1 => random.Next(4, 200), 2 => random.Next(200, 20_000), _ => random.Next(20_000, 300_000) };
            var chunk = new byte[length];
            random.NextBytes(chunk);
            return chunk;
        }).ToList();

        await store.WriteAsync("transformed/songs/snapshot_date=2026-11-20/songs.parquet", stream =>
        {
            foreach (var chunk in writes)
            {
                stream.Write(chunk);
            }
        }, sizeHint: random.Next(0, 100_000), "application/vnd.apache.parquet");

        Assert.Equal(writes.SelectMany(c => c).ToArray(), await store.ReadAllBytesAsync("transformed/songs/snapshot_date=2026-11-20/songs.parquet"));
    }

    [Fact]
    public async Task Write_replaces_an_existing_object_with_shorter_content()
    {
        var store = await CreateStoreAsync();
        await store.PutTextAsync("transformed/songs_current/songs_current.csv", "a long first version\n", "text/csv");

        await store.WriteAsync("transformed/songs_current/songs_current.csv", stream => stream.Write("short\n"u8), 64, "text/csv");

        Assert.Equal("short\n", await store.ReadAllTextAsync("transformed/songs_current/songs_current.csv"));
        Assert.Equal(["transformed/songs_current/songs_current.csv"], await ListAsync(store, "transformed/"));
    }

    [Fact]
    public async Task A_writer_that_fails_halfway_leaves_the_object_as_it_was_and_nothing_else()
    {
        var store = await CreateStoreAsync();
        await store.PutTextAsync("transformed/albums/snapshot_date=2026-11-20/albums.csv", "the old table\n", "text/csv");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync(
            "transformed/albums/snapshot_date=2026-11-20/albums.csv", stream =>
            {
                stream.Write(new byte[100_000]);
                throw new InvalidOperationException("the writer broke");
            }, 1024, "text/csv"));

        Assert.Equal("the writer broke", failure.Message);
        Assert.Equal("the old table\n", await store.ReadAllTextAsync("transformed/albums/snapshot_date=2026-11-20/albums.csv"));
        Assert.Equal(["transformed/albums/snapshot_date=2026-11-20/albums.csv"], await ListAsync(store, ""));
    }

    [Fact]
    public async Task Reading_a_missing_key_throws_ObjectNotFoundException_naming_the_key()
    {
        var store = await CreateStoreAsync();

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync("raw/missing.json"));

        Assert.Equal("raw/missing.json", error.Key);
        Assert.Contains(store.Description, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_below_an_object_as_if_it_were_a_folder_is_not_found_by_any_read_or_copy()
    {
        var store = await CreateStoreAsync();
        await store.PutTextAsync("transformed/songs/day", "{}", "application/json");
        const string below = "transformed/songs/day/page.json";

        Assert.Equal(below, (await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync(below))).Key);
        Assert.Equal(below, (await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.ReadPooledAsync(below))).Key);
        Assert.Equal(below, (await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.CopyAsync(below, "quarantine/page.json"))).Key);
        Assert.False(await store.ExistsAsync(below));
    }

    /// <summary>How many reads the race below makes at least while another task removes the object and puts it back.</summary>
    protected virtual int RacingReads => 300;

    /// <summary>How long the object stays put back before it is removed again in the race below.</summary>
    protected virtual TimeSpan RacingPause => TimeSpan.Zero;

    [Theory]
    [InlineData("open")]
    [InlineData("pooled")]
    [InlineData("copy")]
    public async Task An_object_removed_and_put_back_while_it_is_read_or_copied_is_read_whole_or_not_found(string how)
    {
        var store = await CreateStoreAsync();
        const string key = "transformed/songs/racing/page.json";
        var random = new Random(how.Length);
        byte[][] contents = [RandomBytes(random, 3_000), RandomBytes(random, 9_000)];
        await store.PutBytesAsync(key, contents[0], "application/json");
        using var stop = new CancellationTokenSource();
        var churning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Removes the object and puts it back, alternating its two contents, until the reads are done.
        var churn = Task.Run(async () =>
        {
            for (var round = 1; !stop.IsCancellationRequested; round++)
            {
                await store.DeleteAsync(key);
                churning.TrySetResult();
                await store.PutBytesAsync(key, contents[round % 2], "application/json");
                await Task.Delay(RacingPause);
            }
        });
        // The reads start once the removals have: on a busy machine the task may start late.
        await churning.Task;
        var (whole, notFound) = (0, 0);
        try
        {
            // At least RacingReads, and on until both outcomes came up (a removal's moment is short beside a put's pause).
            for (var read = 0; read < RacingReads || ((whole == 0 || notFound == 0) && read < 20 * RacingReads); read++)
            {
                try
                {
                    var bytes = how switch
                    {
                        "open" => await store.ReadAllBytesAsync(key),
                        "pooled" => await ReadPooledBytesAsync(store, key),
                        _ => await CopiedBytesAsync(store, key, "transformed/songs/racing/copy.json"),
                    };
                    Assert.Contains(contents, content => content.AsSpan().SequenceEqual(bytes));
                    whole++;
                }
                catch (ObjectNotFoundException error)
                {
                    Assert.Equal(key, error.Key);
                    notFound++;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await churn;
        }
        // Both outcomes came up, so the reads did meet the object gone and back.
        Assert.True(whole > 0 && notFound > 0, $"{whole} reads whole and {notFound} not found: the reads did not race the removals");
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static async Task<byte[]> ReadPooledBytesAsync(IObjectStore store, string key)
    {
        using var read = await store.ReadPooledAsync(key);
        return read.Span.ToArray();
    }

    private static async Task<byte[]> CopiedBytesAsync(IObjectStore store, string key, string destination)
    {
        await store.CopyAsync(key, destination);
        return await store.ReadAllBytesAsync(destination);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(70_000)]
    [InlineData(600_000)]
    public async Task Reading_into_a_pooled_buffer_returns_the_same_bytes(int size)
    {
        var store = await CreateStoreAsync();
        var bytes = Enumerable.Range(0, size).Select(i => (byte)(i * 13)).ToArray();
        await store.PutBytesAsync("raw/pooled.json", bytes, "application/json");

        using var read = await store.ReadPooledAsync("raw/pooled.json");

        Assert.Equal(bytes, read.Span.ToArray());
    }

    [Fact]
    public async Task A_pooled_read_that_gives_a_tag_gives_the_listings_for_the_same_content_and_another_for_other_content()
    {
        var store = await CreateStoreAsync();
        const string key = "staging/current/days/2026-11/2026-11-20.digest";
        var tags = new List<string?>();
        foreach (var content in new[] { "first"u8.ToArray(), "second, longer"u8.ToArray(), "first"u8.ToArray() })
        {
            await store.PutBytesAsync(key, content, "application/octet-stream");
            var listed = await store.ListVersionsAsync("staging/current/").SingleAsync();
            using var read = await store.ReadPooledAsync(key);
            Assert.Equal(content, read.Span.ToArray());
            // A store that does not say leaves the check to its listing; one that says must say what its listing says.
            if (read.Tag is not null)
            {
                Assert.Equal(listed.Tag, read.Tag);
            }
            tags.Add(read.Tag);
        }
        if (tags[0] is not null)
        {
            Assert.NotEqual(tags[0], tags[1]);
        }
    }

    [Fact]
    public async Task Reading_a_missing_key_into_a_pooled_buffer_throws_ObjectNotFoundException()
    {
        var store = await CreateStoreAsync();

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.ReadPooledAsync("raw/missing/page.json"));

        Assert.Equal("raw/missing/page.json", error.Key);
    }

    [Fact]
    public async Task Exists_tells_present_from_absent_keys()
    {
        var store = await CreateStoreAsync();
        await store.PutTextAsync("state/cursor.json", "{}", "application/json");

        Assert.True(await store.ExistsAsync("state/cursor.json"));
        Assert.False(await store.ExistsAsync("state/cursor.jso"));
        Assert.False(await store.ExistsAsync("state/other/cursor.json"));
    }

    [Fact]
    public async Task Copy_duplicates_an_object_and_keeps_the_source()
    {
        var store = await CreateStoreAsync();
        await store.PutTextAsync("raw/x/1.json", "{\"items\":[]}", "application/json");

        await store.CopyAsync("raw/x/1.json", "quarantine/x/1.json");

        Assert.Equal("{\"items\":[]}", await store.ReadAllTextAsync("quarantine/x/1.json"));
        Assert.Equal("{\"items\":[]}", await store.ReadAllTextAsync("raw/x/1.json"));
    }

    [Fact]
    public async Task Copy_overwrites_the_destination()
    {
        var store = await CreateStoreAsync();
        await store.PutTextAsync("raw/new.json", "new", "application/json");
        await store.PutTextAsync("quarantine/new.json", "old and longer", "application/json");

        await store.CopyAsync("raw/new.json", "quarantine/new.json");

        Assert.Equal("new", await store.ReadAllTextAsync("quarantine/new.json"));
    }

    [Fact]
    public async Task Copying_a_missing_key_throws_ObjectNotFoundException_naming_the_source()
    {
        var store = await CreateStoreAsync();

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.CopyAsync("raw/none.json", "quarantine/none.json"));

        Assert.Equal("raw/none.json", error.Key);
        Assert.False(await store.ExistsAsync("quarantine/none.json"));
    }

    [Fact]
    public async Task Delete_removes_an_object_and_a_missing_key_is_not_an_error()
    {
        var store = await CreateStoreAsync();
        await store.PutTextAsync("staging/a/b.csv", "x", "text/csv");

        await store.DeleteAsync("staging/a/b.csv");
        await store.DeleteAsync("staging/a/b.csv");
        await store.DeleteAsync("nowhere/at/all.csv");

        Assert.False(await store.ExistsAsync("staging/a/b.csv"));
        Assert.Empty(await ListAsync(store, "staging/"));
    }

    [Fact]
    public async Task List_of_an_empty_or_unknown_prefix_is_empty()
    {
        var store = await CreateStoreAsync();
        Assert.Empty(await ListAsync(store, ""));
        Assert.Empty(await ListAsync(store, "raw/"));

        await store.PutTextAsync("raw/a.json", "{}", "application/json");

        Assert.Empty(await ListAsync(store, "staging/"));
        Assert.Empty(await ListAsync(store, "raw/a.json/"));
    }

    [Fact]
    public async Task List_treats_a_prefix_as_a_string_not_a_folder()
    {
        var store = await CreateStoreAsync();
        string[] keys =
        [
            "raw/playlist/snapshot_date=2026-11-20/p1/20261120t060000z-p0001.json",
            "raw/playlist_items/snapshot_date=2026-11-20/p1/20261120t060000z-p0001.json",
            "raw/playlist_items/snapshot_date=2026-11-21/p1/20261121t060000z-p0001.json",
            "raw/plays.json",
            "rawer/playlist.json",
        ];
        foreach (var key in keys)
        {
            await store.PutTextAsync(key, key, "application/json");
        }

        Assert.Equal(keys[..4], await ListAsync(store, "raw/pl"));
        Assert.Equal(keys[1..3], await ListAsync(store, "raw/playlist_"));
        Assert.Equal(keys[..1], await ListAsync(store, "raw/playlist/"));
        Assert.Equal(keys[1..2], await ListAsync(store, "raw/playlist_items/snapshot_date=2026-11-20"));
        Assert.Equal(keys[3..4], await ListAsync(store, "raw/plays.json"));
        Assert.Equal(keys, await ListAsync(store, "raw"));
        Assert.Equal(keys, await ListAsync(store, ""));
    }

    [Fact]
    public async Task List_follows_every_page_past_one_thousand_keys_in_ordinal_order()
    {
        var store = await CreateStoreAsync();
        // S3 answers at most 1,000 keys per call; 2,345 keys need three pages. These keys sort the same
        // by bytes and by fauxqs's collation, which it uses to page (with a byte-wise "start after").
        var keys = Enumerable.Range(0, 2_345).Select(i => $"staging/songs/snapshot_date=2026-11-20/p{i:00000}.csv").ToArray();
        var outside = Enumerable.Range(0, 20).Select(i => $"staging/songsx/{i:00}.csv").ToArray();
        await Parallel.ForEachAsync(keys.Concat(outside).Reverse(), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (key, cancellationToken) => await store.PutTextAsync(key, "song_id\n", "text/csv", cancellationToken));

        var listed = await ListAsync(store, "staging/songs/");

        Assert.Equal(keys.Length, listed.Count);
        Assert.Equal(keys, listed);
        Assert.Equal(keys.Length + outside.Length, (await ListAsync(store, "staging/")).Count);
    }

    [Theory]
    [InlineData("raw/odd/a b+c.json")]
    [InlineData("raw/odd/夜のドライブ \"Night Drive\"/ü ñ.json")]
    [InlineData("raw/odd/50%25 off=yes&more.json")]
    [InlineData("raw/odd/snapshot_date=2026-11-20/a+b/🎵.json")]
    public async Task Keys_with_spaces_plus_signs_percent_signs_and_non_latin_text_round_trip(string key)
    {
        var store = await CreateStoreAsync();
        await store.PutTextAsync(key, "κλειδί " + key, "application/json");

        Assert.True(await store.ExistsAsync(key));
        Assert.Equal("κλειδί " + key, await store.ReadAllTextAsync(key));
        Assert.Equal([key], await ListAsync(store, "raw/odd/"));

        await store.CopyAsync(key, "quarantine/" + key["raw/".Length..]);
        Assert.Equal("κλειδί " + key, await store.ReadAllTextAsync("quarantine/" + key["raw/".Length..]));
        if (key.Contains('+', StringComparison.Ordinal))
        {
            Assert.False(await store.ExistsAsync(key.Replace('+', ' '))); // '+' is a plus sign in a key, not an encoded space
        }
    }

    protected static async Task<List<string>> ListAsync(IObjectStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(prefix))
        {
            keys.Add(key);
        }
        return keys;
    }

    /// <summary>A stream that cannot seek and has no length, like a decompressing or network stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

public sealed class LocalFolderStoreContractTests : ObjectStoreContract, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "spotify-etl-store-" + Guid.NewGuid().ToString("N"));

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new LocalFolderStore(_root));

    // A check before the open leaves a window of microseconds, which a few thousand local reads meet.
    protected override int RacingReads => 20_000;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_copy_of_a_landed_raw_file_is_read_only_and_as_old_as_the_file_is()
    {
        var store = new LocalFolderStore(_root);
        Directory.CreateDirectory(_root);
        var input = Path.Combine(_root, "input.json");
        await File.WriteAllTextAsync(input, "{\"items\":[]}");
        store.Land("raw/x/1.json", input);

        await store.CopyAsync("raw/x/1.json", "quarantine/x/1.json");

        var (copy, raw) = (Path.Combine(_root, "quarantine", "x", "1.json"), Path.Combine(_root, "raw", "x", "1.json"));
        var mode = File.GetUnixFileMode(copy);
        Assert.Equal(File.GetUnixFileMode(raw), mode);
        Assert.Equal(File.GetLastWriteTimeUtc(raw), File.GetLastWriteTimeUtc(copy));
        Assert.Equal(UnixFileMode.None, mode & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

[Collection(FauxqsTests.Name)]
public sealed class S3ObjectStoreContractTests(FauxqsServer server) : ObjectStoreContract, IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateClient();

    protected override async Task<IObjectStore> CreateStoreAsync() =>
        new S3ObjectStore(_client, await server.CreateBucketAsync("contract"));

    [Fact]
    public async Task A_pooled_read_gives_the_objects_ETag_as_its_listing_does()
    {
        var store = await CreateStoreAsync();
        await store.PutBytesAsync("staging/x.json", "[]"u8.ToArray(), "application/json");

        using var read = await store.ReadPooledAsync("staging/x.json");

        Assert.False(string.IsNullOrEmpty(read.Tag));
        Assert.Equal((await store.ListVersionsAsync("staging/").SingleAsync()).Tag, read.Tag);
    }

    [Fact]
    public async Task Put_stores_the_content_type_and_Description_names_the_bucket()
    {
        var bucket = await server.CreateBucketAsync("type");
        var store = new S3ObjectStore(_client, bucket);

        await store.PutTextAsync("transformed/songs/songs.csv", "song_id\n", "text/csv; charset=utf-8");

        var head = await _client.GetObjectMetadataAsync(bucket, "transformed/songs/songs.csv");
        Assert.Equal("text/csv; charset=utf-8", head.Headers.ContentType);
        Assert.Equal($"s3://{bucket}", store.Description);
    }

    [Fact]
    public async Task A_missing_bucket_is_an_infrastructure_error_not_a_missing_object()
    {
        var store = new S3ObjectStore(_client, "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8]);

        await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => store.OpenReadAsync("raw/a.json"));
    }

    public void Dispose() => _client.Dispose();
}
