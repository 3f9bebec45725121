using System.Buffers;
using System.Text.Json;

// usage: SpotifyEtl.Floor FOLDER — reads every .json file under FOLDER, one Utf8JsonReader pass each.
if (args.Length != 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: SpotifyEtl.Floor FOLDER (a folder of raw .json files, such as a lake's raw/)");
    return 2;
}

long files = 0, bytes = 0, tokens = 0;
var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
foreach (var path in Directory.EnumerateFiles(args[0], "*.json", SearchOption.AllDirectories))
{
    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
    var length = checked((int)file.Length);
    if (buffer.Length < length)
    {
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = ArrayPool<byte>.Shared.Rent(length);
    }
    file.ReadExactly(buffer, 0, length);
    var reader = new Utf8JsonReader(buffer.AsSpan(0, length));
    while (reader.Read())
    {
        tokens++;
    }
    files++;
    bytes += length;
}
Console.WriteLine($"{files} files, {bytes} bytes, {tokens} JSON tokens");
return 0;
