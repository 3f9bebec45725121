using SpotifyEtl.Import;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// A file an earlier import landed that can no longer be used: cut short or changed on disk (its bytes no longer have the
/// SHA-256 its key names), or unreadable (permissions, a dangling link). The next import and transform name it with what
/// to do, leave its streams out and build every other file's; importing its export again lands it anew.
/// </summary>
public sealed class DamagedLandedFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public enum Damage
    {
        CutShort,
        ByteChanged,
        PermissionDenied,
        DanglingLink,
    }

    /// <summary>Reads of one key fail as a file this user may not read does (the tests run as root, whom mode 000 does not stop).</summary>
    private sealed class DeniedStore(IObjectStore inner) : ForwardingStore(inner)
    {
        public string? Denied { get; set; }

        public override Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
            key == Denied ? throw new UnreadableObjectException(Description, key, "this user may not read it (permission denied)") : base.OpenReadAsync(key, cancellationToken);
    }

    /// <summary>
    /// The first read of one key gives the damaged bytes it holds, and then the file is put back whole, replaced as a landing
    /// replaces it: the export landed again by another import just after this one read the damaged copy.
    /// </summary>
    private sealed class RestoringStore(IObjectStore inner) : ForwardingStore(inner)
    {
        private readonly Lock _lock = new();
        private (string Key, string Path, byte[] Intact)? _armed;

        public bool Restored { get; private set; }

        public void Arm(string key, string path, byte[] intact) => _armed = (key, path, intact);

        public override async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
        {
            (string Key, string Path, byte[] Intact)? taken = null;
            lock (_lock)
            {
                if (_armed is { } armed && armed.Key == key)
                {
                    (taken, _armed) = (armed, null);
                }
            }
            if (taken is not { } restore)
            {
                return await base.OpenReadAsync(key, cancellationToken);
            }
            var damaged = new MemoryStream();
            await using (var stream = await base.OpenReadAsync(key, cancellationToken))
            {
                await stream.CopyToAsync(damaged, cancellationToken);
            }
            await File.WriteAllBytesAsync(restore.Path + ".landing", restore.Intact, cancellationToken);
            File.Move(restore.Path + ".landing", restore.Path, overwrite: true);
            Restored = true;
            damaged.Position = 0;
            return damaged;
        }
    }

    private SortedDictionary<string, byte[]> Table(string lake) => Directory.Exists(_folder[$"{lake}/{HistoryPublisher.TablePrefix}"])
        ? new(_folder.Files($"{lake}/{HistoryPublisher.TablePrefix.TrimEnd('/')}").ToDictionary(f => f.Key[(lake.Length + 1)..], f => f.Value), StringComparer.Ordinal)
        : new(StringComparer.Ordinal);

    private static void AssertSame(SortedDictionary<string, byte[]> expected, SortedDictionary<string, byte[]> actual) =>
        FileTreeAssert.Same(expected, actual, "listening_history");

    /// <summary>Damages the landed file under <paramref name="key"/> as <paramref name="damage"/> says, at a random place.</summary>
    private void Spoil(string lake, DeniedStore store, string key, Damage damage, Random random)
    {
        var path = _folder[$"{lake}/{key}"];
        var bytes = File.ReadAllBytes(path);
        File.SetAttributes(path, FileAttributes.Normal);
        switch (damage)
        {
            case Damage.CutShort:
                File.WriteAllBytes(path, bytes[..random.Next(bytes.Length)]);
                break;
            case Damage.ByteChanged:
                bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                File.WriteAllBytes(path, bytes);
                break;
            case Damage.PermissionDenied:
                store.Denied = key;
                break;
            case Damage.DanglingLink:
                File.Delete(path);
                File.CreateSymbolicLink(path, _folder["nowhere/file.json"]);
                break;
        }
    }

    [Theory]
    [InlineData(1, Damage.CutShort)]
    [InlineData(2, Damage.CutShort)]
    [InlineData(3, Damage.ByteChanged)]
    [InlineData(4, Damage.ByteChanged)]
    [InlineData(5, Damage.PermissionDenied)]
    [InlineData(6, Damage.DanglingLink)]
    public async Task The_next_import_names_a_damaged_landed_file_builds_every_other_one_and_importing_the_export_again_mends_it(int seed, Damage damage)
    {
        var random = new Random(seed);
        var export = SampleExport.Write(new SampleExportOptions(300, seed));
        var files = export.Zips.SelectMany(z => ExportArchive.Entries(z.Name, new MemoryStream(z.Zip), ImportLimits.Default)).ToList();
        var store = new DeniedStore(new LocalFolderStore(_folder["lake"]));
        var first = await new ExportImporter(store, store).ImportAsync(files);
        var landed = first.Files.Where(f => f.RawKey is not null).ToList();
        var victim = landed[random.Next(landed.Count)];
        Spoil("lake", store, victim.RawKey!, damage, random);
        var extra = new ExportCandidate("endsong_99.json", _ => Task.FromResult<Stream>(new MemoryStream("""[{"ts": "2019-01-01T00:00:00Z", "ms_played": 1}]"""u8.ToArray())), 47);

        var next = await new ExportImporter(store, store).ImportAsync([extra]);

        var named = Assert.Single(next.DamagedLandedFiles);
        Assert.Equal(victim.RawKey, named.RawKey);
        Assert.Contains(damage is Damage.CutShort or Damage.ByteChanged ? "no longer the ones it landed with" : "it cannot be read", named.Reason, StringComparison.Ordinal);
        Assert.Contains("import the export it came from again", named.Reason, StringComparison.Ordinal);
        Assert.True(next.NeedsAttention);
        // Every other file's streams are built: the table is the one of an import of everything but the damaged file.
        var others = new LocalFolderStore(_folder["others"]);
        await new ExportImporter(others, others).ImportAsync(await WithoutAsync(files, victim.RawKey!));
        await new ExportImporter(others, others).ImportAsync([extra]);
        AssertSame(Table("others"), Table("lake"));

        // The export imported again lands the file anew, and the history is whole.
        var again = await new ExportImporter(store, store).ImportAsync(files);
        store.Denied = null;
        Assert.Empty(again.DamagedLandedFiles);
        Assert.Contains(again.Files.Single(f => f.Input == victim.Input).Reasons, r => r.Contains("landed again from this file", StringComparison.Ordinal));
        Assert.Equal((await files.Single(f => f.Name == victim.Input).ReadAsync(ImportLimits.Default, default)).Bytes, File.ReadAllBytes(_folder[$"lake/{victim.RawKey}"]));
        var whole = new LocalFolderStore(_folder["whole"]);
        await new ExportImporter(whole, whole).ImportAsync([.. files, extra]);
        AssertSame(Table("whole"), Table("lake"));
    }

    [Theory]
    [InlineData(7, Damage.CutShort)]
    [InlineData(8, Damage.ByteChanged)]
    [InlineData(9, Damage.CutShort)]
    public async Task A_damaged_landed_file_landed_again_while_an_import_reads_it_is_read_again_and_the_history_is_whole(int seed, Damage damage)
    {
        var random = new Random(seed);
        var export = SampleExport.Write(new SampleExportOptions(300, seed));
        var files = export.Zips.SelectMany(z => ExportArchive.Entries(z.Name, new MemoryStream(z.Zip), ImportLimits.Default)).ToList();
        var store = new RestoringStore(new LocalFolderStore(_folder["lake"]));
        var landed = (await new ExportImporter(store, store).ImportAsync(files)).Files.Where(f => f.RawKey is not null).ToList();
        var victim = landed[random.Next(landed.Count)].RawKey!;
        var intact = File.ReadAllBytes(_folder[$"lake/{victim}"]);
        Spoil("lake", new DeniedStore(store), victim, damage, random);
        store.Arm(victim, _folder[$"lake/{victim}"], intact);
        var extra = new ExportCandidate("endsong_99.json", _ => Task.FromResult<Stream>(new MemoryStream("""[{"ts": "2019-01-01T00:00:00Z", "ms_played": 1}]"""u8.ToArray())), 47);

        var next = await new ExportImporter(store, store).ImportAsync([extra]);

        Assert.True(store.Restored, "the damaged copy was never read");
        Assert.Empty(next.DamagedLandedFiles);
        var whole = new LocalFolderStore(_folder["whole"]);
        await new ExportImporter(whole, whole).ImportAsync([.. files, extra]);
        AssertSame(Table("whole"), Table("lake"));
    }

    [Theory]
    [InlineData(5, Damage.CutShort)]
    [InlineData(17, Damage.ByteChanged)]
    public async Task A_damaged_landed_file_landed_again_while_a_transform_reads_it_leaves_no_month_built_without_it(int seed, Damage damage)
    {
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(_folder["source"]), seed);
        var days = sample.Days.Keys.ToList();
        var store = new RestoringStore(new LocalFolderStore(_folder["lake"]));
        await HistoryPlaysFollowerTests.CopyAsync(sample, store, days.Take(2));
        var victim = (await FurthestReachingAsync(store, await new ExportImporter(store, store).ImportAsync(sample.Export))).RawKey!;
        var intact = File.ReadAllBytes(_folder[$"lake/{victim}"]);
        Spoil("lake", new DeniedStore(store), victim, damage, new Random(seed));
        store.Arm(victim, _folder[$"lake/{victim}"], intact);

        var batch = await new TransformPipeline(store, store).TransformAsync(await HistoryPlaysFollowerTests.CopyAsync(sample, store, days.Skip(2)));

        Assert.True(store.Restored, "the damaged copy was never read");
        Assert.DoesNotContain(batch.Objects, o => o.Status == TransformStatus.Unreadable);
        var whole = new LocalFolderStore(_folder["whole"]);
        await HistoryPlaysFollowerTests.CopyAsync(sample, whole, days);
        await new ExportImporter(whole, whole).ImportAsync(sample.Export);
        var (expected, actual) = (Table("whole"), Table("lake"));
        var rebuilt = batch.Partitions.Keys.Where(p => p.StartsWith("listening_history/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rebuilt);
        foreach (var partition in rebuilt)
        {
            var key = $"{HistoryPublisher.TablePrefix}{partition.Split('/')[1]}/listening_history.parquet";
            Assert.Equal(expected[key], actual[key]);
        }
    }

    /// <summary>The landed file that reaches furthest: into the months the later days' plays are in.</summary>
    private static async Task<ImportFileReport> FurthestReachingAsync(IObjectStore store, ImportReport imported)
    {
        var spans = new List<(ImportFileReport File, long Last)>();
        foreach (var file in imported.Files.Where(f => f.RawKey is not null))
        {
            spans.Add((file, (await ExportSpan.ReadAsync(store, store, file.RawKey!, null, default)).Span.Last ?? 0));
        }
        return spans.MaxBy(s => s.Last).File;
    }

    /// <summary>The files but those that land under <paramref name="key"/> (the same content under a name of the same kind).</summary>
    private static async Task<List<ExportCandidate>> WithoutAsync(IEnumerable<ExportCandidate> files, string key)
    {
        var kept = new List<ExportCandidate>();
        foreach (var file in files)
        {
            var bytes = (await file.ReadAsync(ImportLimits.Default, default)).Bytes!;
            if (ExportImporter.Recognize(file.Name, bytes).Kind is not { } kind || ExportRawKey.For(kind, bytes).ToString() != key)
            {
                kept.Add(file);
            }
        }
        return kept;
    }

    [Theory]
    [InlineData(5, Damage.CutShort)]
    [InlineData(17, Damage.ByteChanged)]
    [InlineData(5, Damage.DanglingLink)]
    public async Task A_transform_names_a_damaged_landed_file_its_months_reach_and_builds_them_from_the_other_files(int seed, Damage damage)
    {
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(_folder["source"]), seed);
        var days = sample.Days.Keys.ToList();
        var store = new DeniedStore(new LocalFolderStore(_folder["lake"]));
        await HistoryPlaysFollowerTests.CopyAsync(sample, store, days.Take(2));
        var victim = await FurthestReachingAsync(store, await new ExportImporter(store, store).ImportAsync(sample.Export));
        Spoil("lake", store, victim.RawKey!, damage, new Random(seed));

        var batch = await new TransformPipeline(store, store).TransformAsync(await HistoryPlaysFollowerTests.CopyAsync(sample, store, days.Skip(2)));

        var unread = Assert.Single(batch.Objects, o => o.Status == TransformStatus.Unreadable);
        Assert.Equal(victim.RawKey, unread.RawKey);
        Assert.Contains("import the export it came from again", unread.Reason, StringComparison.Ordinal);
        // The months the transform rebuilt are those an import of every other file writes.
        var others = new LocalFolderStore(_folder["others"]);
        await HistoryPlaysFollowerTests.CopyAsync(sample, others, days);
        await new ExportImporter(others, others).ImportAsync(await WithoutAsync(sample.Export, victim.RawKey!));
        var expected = Table("others");
        var rebuilt = batch.Partitions.Keys.Where(p => p.StartsWith("listening_history/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rebuilt);
        var actual = Table("lake");
        foreach (var partition in rebuilt)
        {
            var key = $"{HistoryPublisher.TablePrefix}{partition.Split('/')[1]}/listening_history.parquet";
            Assert.True(expected.ContainsKey(key), key);
            Assert.Equal(expected[key], actual[key]);
        }
    }
}
