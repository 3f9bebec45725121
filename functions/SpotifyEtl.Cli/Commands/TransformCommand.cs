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
            Description = "Raw .json files to land first: a file or a folder holding raw/... (such as the output of 'sample'). " +
                          "Keys are read from the path from its 'raw/' segment on. Without it, the lake's own raw/ is transformed.",
        };
        var lake = CliOptions.Lake();
        var format = Format();
        var command = new Command("transform",
            "Transform raw Spotify responses into the lake's tables, one file per table and snapshot date, rebuilt from every raw " +
            "object of each date the input touches. Bad objects are copied to <lake>/quarantine/ with a .reason.txt; the rest go on.")
        {
            input, lake, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var lakeFolder = parse.GetValue(lake)!;
            var report = await RunAsync(parse.GetValue(input), lakeFolder, parse.GetValue(format), cancellationToken).ConfigureAwait(false);
            return report is null ? 2 : Render.Transform(report, lakeFolder.FullName);
        });
        return command;
    }

    public static Option<TableFormat> Format() => new("--format")
    {
        Description = "File format of the tables: parquet (the default, as on AWS) or csv. Use the same format for the whole lake.",
        DefaultValueFactory = _ => TableFormat.Parquet,
        CustomParser = result => TableFormats.Parse(result.Tokens.Count == 0 ? null : result.Tokens[0].Value) ?? Invalid(result),
    };

    private static TableFormat Invalid(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"--format must be parquet or csv, not '{(result.Tokens.Count == 0 ? "" : result.Tokens[0].Value)}'.");
        return TableFormat.Parquet;
    }

    /// <returns>The batch report, or null when there was no raw object to transform (the error is printed).</returns>
    public static async Task<TransformBatchReport?> RunAsync(FileSystemInfo? input, DirectoryInfo lakeFolder, TableFormat format, CancellationToken cancellationToken)
    {
        var lake = new LocalFolderStore(lakeFolder.FullName);
        var keys = new List<string>();
        if (input is null)
        {
            await foreach (var key in lake.ListAsync(LakeLayout.Raw, cancellationToken).ConfigureAwait(false))
            {
                keys.Add(key);
            }
        }
        else
        {
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
        }
        if (keys.Count == 0)
        {
            var where = input?.FullName ?? Path.Combine(lakeFolder.FullName, "raw");
            await Console.Error.WriteLineAsync($"No raw objects found in {where}: expected .json files under a raw/ folder. Make some with 'spotify-etl sample --out DIR'.").ConfigureAwait(false);
            return null;
        }
        return await new TransformPipeline(lake, lake, new TransformOptions { Format = format })
            .TransformAsync(keys, cancellationToken).ConfigureAwait(false);
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
