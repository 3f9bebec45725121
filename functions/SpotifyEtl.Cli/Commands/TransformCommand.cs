using System.CommandLine;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Commands;

internal static class TransformCommand
{
    public static Command Create()
    {
        var input = new Option<FileSystemInfo>("--input")
        {
            Description = "A raw .json file or a folder holding raw/... (such as the lake itself or the output of 'sample'). " +
                          "Keys are read from the path from its 'raw/' segment on.",
            Required = true,
        };
        var lake = CliOptions.Lake();
        var command = new Command("transform",
            "Transform raw Spotify responses into the lake's tables. Files outside the lake are first landed in <lake>/raw/ " +
            "as the extractor would. Bad objects are copied to <lake>/quarantine/ with a .reason.txt; the rest go on.")
        {
            input, lake,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var lakeFolder = parse.GetValue(lake)!;
            var report = await RunAsync(parse.GetValue(input)!, lakeFolder, cancellationToken).ConfigureAwait(false);
            return report is null ? 2 : Render.Transform(report, lakeFolder.FullName);
        });
        return command;
    }

    /// <returns>The batch report, or null when the input held no raw object (the error is printed).</returns>
    public static async Task<TransformBatchReport?> RunAsync(FileSystemInfo input, DirectoryInfo lakeFolder, CancellationToken cancellationToken)
    {
        var lake = new LocalFolderStore(lakeFolder.FullName);
        var keys = new List<string>();
        foreach (var file in RawFiles(input))
        {
            var key = KeyOf(file);
            if (key is null)
            {
                await Console.Error.WriteLineAsync($"Skipped {file}: it is not under a 'raw/' folder, so its source and snapshot date are unknown. Keep the layout raw/<source>/snapshot_date=YYYY-MM-DD/<subject>/<run>-pNNNN.json.").ConfigureAwait(false);
                continue;
            }
            var landed = Path.Combine(lakeFolder.FullName, key.Replace('/', Path.DirectorySeparatorChar));
            if (!string.Equals(Path.GetFullPath(file), Path.GetFullPath(landed), StringComparison.Ordinal))
            {
                var stream = File.OpenRead(file);
                await using (stream.ConfigureAwait(false))
                {
                    await lake.PutAsync(key, stream, "application/json", cancellationToken).ConfigureAwait(false);
                }
            }
            keys.Add(key);
        }
        if (keys.Count == 0)
        {
            await Console.Error.WriteLineAsync($"No raw objects found in {input.FullName}: expected .json files under a raw/ folder. Make some with 'spotify-etl sample --out DIR'.").ConfigureAwait(false);
            return null;
        }
        keys.Sort(StringComparer.Ordinal);
        return await new TransformPipeline(lake, lake).TransformAsync(keys, progress: null, cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<string> RawFiles(FileSystemInfo input) => input switch
    {
        FileInfo { Exists: true } file => [file.FullName],
        DirectoryInfo { Exists: true } folder => Directory.EnumerateFiles(folder.FullName, "*.json", SearchOption.AllDirectories)
            .Where(path => KeyOf(path) is not null),
        _ => throw new FileNotFoundException($"--input {input.FullName} does not exist."),
    };

    /// <summary>The object key of a file: its path from the last 'raw' folder on.</summary>
    private static string? KeyOf(string path)
    {
        var parts = Path.GetFullPath(path).Split(Path.DirectorySeparatorChar);
        var rawIndex = Array.LastIndexOf(parts, LakeLayout.Raw.TrimEnd('/'));
        return rawIndex < 0 ? null : string.Join('/', parts[rawIndex..]);
    }
}
