using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Current;

/// <summary>
/// 'spotify-etl current' reads the daily partitions a window of days at a time, each window only those days' files: however
/// the days fall into windows (one each, a few, every day in one, a day larger than a window), the rebuild writes the
/// current-state tables (and a Parquet lake's day digests) the transform wrote, byte for byte.
/// </summary>
public sealed class CurrentRebuildWindowsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Each format with each kind of window; the lake and the window's size drawn from the seed.</summary>
    public static TheoryData<int> Seeds => [.. Enumerable.Range(0, 8)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_rebuild_in_windows_of_any_size_writes_what_the_transform_wrote(int seed)
    {
        var random = new Random(seed);
        var format = seed % 2 == 0 ? TableFormat.Csv : TableFormat.Parquet;
        var lake = new LocalFolderStore(_folder.Path);
        await new SampleGenerator(lake).WriteAsync(new SampleOptions(Days: random.Next(5, 13), Items: random.Next(3, 30), Seed: seed));
        var keys = await lake.ListAsync(LakeLayout.Raw).ToListAsync();
        await new TransformPipeline(lake, lake, new TransformOptions { Format = format }).TransformAsync(keys);
        // A CSV lake's digests read back from its partitions hold an empty text where the transform's hold none, and make
        // the same tables: there the tables are compared.
        var written = Written(digests: format == TableFormat.Parquet);
        Assert.Equal(format == TableFormat.Parquet, written.Keys.Any(key => key.StartsWith(CurrentLayout.Days, StringComparison.Ordinal)));
        // A day's files are a few KB here: windows from a byte (a day each) to more than the lake (every day in one).
        var daySize = Directory.EnumerateFiles(Path.Combine(_folder.Path, "transformed", TableNames.Songs), "*", SearchOption.AllDirectories).Max(file => new FileInfo(file).Length);
        var bytesAtOnce = (seed / 2) switch
        {
            0 => 1,
            1 => daySize * random.Next(2, 6),
            2 => random.NextInt64(1, daySize * 3),
            _ => long.MaxValue,
        };

        // As a lake an earlier version wrote, with no digest: each day's is made from what its window read of it.
        Directory.Delete(_folder[CurrentLayout.Prefix], recursive: true);

        var rebuilt = await CurrentCommand.RebuildAsync(new DirectoryInfo(_folder.Path), format, CancellationToken.None, bytesAtOnce: bytesAtOnce);

        Assert.True(rebuilt.Days >= 5);
        var again = Written(digests: format == TableFormat.Parquet);
        Assert.Equal(written.Keys.Order(StringComparer.Ordinal), again.Keys.Order(StringComparer.Ordinal));
        Assert.All(written, file => Assert.True(file.Value.AsSpan().SequenceEqual(again[file.Key]),
            $"{file.Key} differs after a rebuild in windows of {bytesAtOnce:N0} bytes ({format})"));
    }

    /// <summary>The current-state tables, and the day digests if asked, by key (not the lake's lock files: the rebuild holds them).</summary>
    private Dictionary<string, byte[]> Written(bool digests) => _folder.Files(LakeLayout.Transformed).Concat(_folder.Files(LakeLayout.Staging))
        .Where(file => (digests && file.Key.StartsWith(CurrentLayout.Days, StringComparison.Ordinal))
            || CurrentTables.All.Any(table => file.Key.StartsWith($"{LakeLayout.Transformed}{table}/", StringComparison.Ordinal)))
        .ToDictionary(file => file.Key, file => file.Value, StringComparer.Ordinal);
}
