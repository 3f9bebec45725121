using System.Buffers;
using System.Text.Json;
using SpotifyEtl.Transformation;

// usage: SpotifyEtl.Floor FOLDER [--parallel] [--tokenizer]: reads every .json file under FOLDER and makes one bare
// Utf8JsonReader pass over each, on one core, or with --parallel on every core; with --tokenizer the pass is made by
// the tokenizer spotify-etl's transform reads with (JsonTokens) instead.
var options = args.Skip(1).ToHashSet(StringComparer.Ordinal);
var parallel = options.Remove("--parallel");
var tokenizer = options.Remove("--tokenizer");
if (args.Length < 1 || options.Count > 0 || args.Length - 1 != (parallel ? 1 : 0) + (tokenizer ? 1 : 0) || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: SpotifyEtl.Floor FOLDER [--parallel] [--tokenizer] (a folder of raw .json files, such as a lake's raw/)");
    return 2;
}

var paths = Directory.EnumerateFiles(args[0], "*.json", SearchOption.AllDirectories).ToList();
long bytes = 0, tokens = 0;
if (parallel)
{
    Parallel.ForEach(paths, () => (Bytes: 0L, Tokens: 0L), (path, _, total) =>
    {
        var (length, count) = Pass(path, tokenizer);
        return (total.Bytes + length, total.Tokens + count);
    }, total =>
    {
        Interlocked.Add(ref bytes, total.Bytes);
        Interlocked.Add(ref tokens, total.Tokens);
    });
}
else
{
    foreach (var path in paths)
    {
        var (length, count) = Pass(path, tokenizer);
        bytes += length;
        tokens += count;
    }
}
Console.WriteLine($"{paths.Count} files, {bytes} bytes, {tokens} JSON tokens");
return 0;

static (long Bytes, long Tokens) Pass(string path, bool tokenizer)
{
    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
    var length = checked((int)file.Length);
    var buffer = ArrayPool<byte>.Shared.Rent(length);
    try
    {
        file.ReadExactly(buffer, 0, length);
        return (length, tokenizer ? TokenizerPass(buffer.AsSpan(0, length)) : ReaderPass(buffer.AsSpan(0, length)));
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(buffer);
    }
}

static long ReaderPass(ReadOnlySpan<byte> json)
{
    var reader = new Utf8JsonReader(json);
    long tokens = 0;
    while (reader.Read())
    {
        tokens++;
    }
    return tokens;
}

static long TokenizerPass(ReadOnlySpan<byte> json)
{
    var reader = new JsonTokens(json, maxDepth: 64);
    long tokens = 0;
    while (reader.Read())
    {
        tokens++;
    }
    return tokens;
}
