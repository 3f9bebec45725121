using System.Buffers;
using System.Text.Json;

// usage: SpotifyEtl.Floor FOLDER [--parallel]: reads every .json file under FOLDER and makes one bare
// Utf8JsonReader pass over each, on one core, or with --parallel on every core.
var parallel = args.Length == 2 && args[1] == "--parallel";
if (args.Length is < 1 or > 2 || (args.Length == 2 && !parallel) || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: SpotifyEtl.Floor FOLDER [--parallel] (a folder of raw .json files, such as a lake's raw/)");
    return 2;
}

var paths = Directory.EnumerateFiles(args[0], "*.json", SearchOption.AllDirectories).ToList();
long bytes = 0, tokens = 0;
if (parallel)
{
    Parallel.ForEach(paths, () => (Bytes: 0L, Tokens: 0L), (path, _, total) =>
    {
        var (length, count) = Pass(path);
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
        var (length, count) = Pass(path);
        bytes += length;
        tokens += count;
    }
}
Console.WriteLine($"{paths.Count} files, {bytes} bytes, {tokens} JSON tokens");
return 0;

static (long Bytes, long Tokens) Pass(string path)
{
    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
    var length = checked((int)file.Length);
    var buffer = ArrayPool<byte>.Shared.Rent(length);
    try
    {
        file.ReadExactly(buffer, 0, length);
        var reader = new Utf8JsonReader(buffer.AsSpan(0, length));
        long tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }
        return (length, tokens);
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
