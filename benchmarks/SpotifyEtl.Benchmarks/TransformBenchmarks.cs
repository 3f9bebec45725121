using System.Text.Json;
using BenchmarkDotNet.Attributes;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Benchmarks;

/// <summary>
/// One playlist of 1,000 or 10,000 items, as pages of 50 or as one page: (a) only parsing the bytes,
/// with a bare <see cref="Utf8JsonReader"/> pass (the floor) and with <see cref="JsonSerializer"/> into a
/// page object; (b) <see cref="RawObjectTransformer.Transform"/>; (c) the whole
/// <see cref="TransformPipeline"/> on a local lake: stage every page, merge every partition, write reports.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchmarkConfig))]
public class TransformBenchmarks
{
    private PlaylistInput _input = null!;
    private string _folder = null!;
    private List<string> _rawKeys = null!;
    private TransformPipeline _pipeline = null!;

    [Params(1_000, 10_000)]
    public int Items { get; set; }

    [Params(Layout.PagesOf50, Layout.OnePage)]
    public Layout Layout { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _input = PlaylistInput.Create(Items, Layout);
        _folder = Path.Combine(Path.GetTempPath(), $"spotify-etl-bench-{Items}-{Layout}-{Environment.ProcessId}");
        var store = new LocalFolderStore(_folder);
        foreach (var (key, json) in _input.Pages)
        {
            store.PutBytesAsync(key.ToString(), json, "application/json").GetAwaiter().GetResult();
        }
        _rawKeys = _input.Pages.Select(page => page.Key.ToString()).ToList();
        _pipeline = new TransformPipeline(store, store);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Benchmark(Baseline = true, Description = "a1. Utf8JsonReader pass")]
    public int ReaderPass()
    {
        var tokens = 0;
        foreach (var (_, json) in _input.Pages)
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                tokens++;
            }
        }
        return tokens;
    }

    [Benchmark(Description = "a2. JsonSerializer page")]
    public int Deserialize()
    {
        var items = 0;
        foreach (var (_, json) in _input.Pages)
        {
            items += JsonSerializer.Deserialize(json, BenchmarkJsonContext.Default.PlaylistItemsPage)!.Items!.Count;
        }
        return items;
    }

    [Benchmark(Description = "b. RawObjectTransformer")]
    public int Transform()
    {
        var rows = 0;
        foreach (var (key, json) in _input.Pages)
        {
            rows += RawObjectTransformer.Transform(key, json).PlaylistEntries.Count;
        }
        return rows;
    }

    [Benchmark(Description = "c. TransformPipeline, local lake")]
    public int Pipeline() =>
        _pipeline.TransformAsync(_rawKeys).GetAwaiter().GetResult().MergedRows.GetValueOrDefault(
            $"{TableNames.PlaylistEntries}/snapshot_date={_input.Pages[0].Key.SnapshotDate:yyyy-MM-dd}");
}
