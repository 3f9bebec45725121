using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Import;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// A laptop's export file that cannot be read once the import reaches it (removed, or made unreadable, since the folder
/// was listed; a disk's I/O error): that file is set aside with its reason and the others are imported, as a damaged file
/// is, where the first such failure ended the whole import, saying to check the disk's free space. A bucket's object
/// that fails to read still ends the import, which Lambda retries.
/// </summary>
public sealed class LocalFileGoneTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_file_removed_after_the_folder_was_listed_is_set_aside_and_the_rest_imported(int seed)
    {
        var export = _folder[$"export{seed}"];
        Directory.CreateDirectory(export);
        // The zip's history files, unzipped as a user does: a folder of JSON files.
        foreach (var (_, zip) in SampleExport.Write(new SampleExportOptions(300, seed)).Zips)
        {
            using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip));
            foreach (var entry in archive.Entries.Where(e => e.Name.StartsWith("Streaming_History_Audio", StringComparison.Ordinal) || e.Name.StartsWith("endsong_", StringComparison.Ordinal)))
            {
                using var content = entry.Open();
                using var file = File.Create(Path.Combine(export, entry.Name));
                content.CopyTo(file);
            }
        }
        var files = Directory.GetFiles(export).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 2, $"{files.Count} history files");
        using var inputs = ExportInputs.Open([new DirectoryInfo(export)], ImportLimits.Default);
        var gone = files[new Random(seed).Next(files.Count)];
        File.Delete(gone);
        var store = new LocalFolderStore(_folder[$"lake{seed}"]);

        var report = await new ExportImporter(store, store).ImportAsync(inputs.Candidates);

        var skipped = Assert.Single(report.Files, f => f.Skipped is not null);
        Assert.EndsWith(Path.GetFileName(gone), skipped.Input, StringComparison.Ordinal);
        Assert.StartsWith("it could not be read (", skipped.Skipped, StringComparison.Ordinal);
        Assert.Contains("import again", skipped.Skipped, StringComparison.Ordinal);
        Assert.True(skipped.NeedsAttention);
        Assert.Equal(files.Count - 1, report.ImportedFiles);
        Assert.True(report.TableRebuilt);
        Assert.True(report.HistoryRows > 0);
    }

    [Fact]
    public async Task A_zip_on_the_disk_that_fails_while_its_entries_are_read_sets_those_entries_aside()
    {
        var zip = SampleExport.Write(new SampleExportOptions(300, 4)).Zips[0];
        var failing = new FailingAfter(zip.Zip);
        var candidates = ExportArchive.Entries(zip.Name, failing, ImportLimits.Default, readFailureIsItsOwn: true);
        // The directory is read; then the disk fails.
        failing.Fail = true;
        var store = new LocalFolderStore(_folder["lake-zip"]);

        var report = await new ExportImporter(store, store).ImportAsync([.. candidates]);

        var read = report.Files.Where(f => !f.Ignored).ToList();
        Assert.NotEmpty(read);
        Assert.All(read, f => Assert.StartsWith("it could not be read (Input/output error", f.Skipped, StringComparison.Ordinal));
        Assert.False(report.TableRebuilt);
    }

    [Fact]
    public async Task A_bucket_object_that_fails_to_read_still_ends_the_import_for_Lambda_to_retry()
    {
        var store = new LocalFolderStore(_folder["lake-s3"]);
        var candidate = new ExportCandidate("raw/spotify_export/Streaming_History_Audio_2020.json", _ => throw new IOException("connection reset"), 1000);

        await Assert.ThrowsAsync<IOException>(() => new ExportImporter(store, store).ImportAsync([candidate]));
    }

    /// <summary>A zip's bytes that read until <see cref="Fail"/> is set, then fail as a disk's I/O error does.</summary>
    private sealed class FailingAfter(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public bool Fail { get; set; }

        public override int Read(Span<byte> buffer) => Fail ? throw new IOException("Input/output error") : base.Read(buffer);

        public override int Read(byte[] buffer, int offset, int count) => Fail ? throw new IOException("Input/output error") : base.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Fail ? throw new IOException("Input/output error") : base.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Fail ? throw new IOException("Input/output error") : base.ReadAsync(buffer, offset, count, cancellationToken);
    }
}
