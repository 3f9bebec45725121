using System.CommandLine;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Commands;

internal static class DemoCommand
{
    private const string Marker = ".spotify-etl-demo";

    public static Command Create()
    {
        var lake = CliOptions.Lake(defaultPath: Path.Combine(".lake", "demo"));
        var days = CliOptions.Positive("--days", "Daily snapshots in the sample.", 7);
        var items = CliOptions.Positive("--items", "Entries per playlist.", 60);
        var seed = new Option<int>("--seed") { Description = "Seed of the sample.", DefaultValueFactory = _ => 42 };
        var format = TransformCommand.Format();
        var command = new Command("demo",
            "The whole pipeline on this machine: make a sample of raw Spotify responses, transform it into a fresh local lake, " +
            "and run every named query against it with DuckDB. No Spotify account or AWS needed.")
        {
            lake, days, items, seed, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(lake)!;
            if (!PrepareFreshLake(folder))
            {
                return 2;
            }
            Render.Heading($"1. Sample: raw Spotify responses into {Path.Combine(folder.FullName, "raw")}");
            var sample = await new SampleGenerator(new LocalFolderStore(folder.FullName))
                .WriteAsync(new SampleOptions(parse.GetValue(days), parse.GetValue(items), parse.GetValue(seed)), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"{sample.Objects} raw objects, {sample.Bytes / 1024.0:N0} KiB: {sample.Playlists} playlists and recently played, {sample.Days} days");

            Render.Heading("2. Transform: raw JSON into the lake's tables");
            var report = await TransformCommand.RunAsync(null, folder, parse.GetValue(format), cancellationToken).ConfigureAwait(false);
            if (report is null || Render.Transform(report, folder.FullName) != 0)
            {
                return 1;
            }

            Render.Heading("3. Queries: the Athena named queries, run by DuckDB on the local lake");
            Render.Queries(await QueryRunner.RunAsync(folder.FullName, null, cancellationToken).ConfigureAwait(false));
            return 0;
        });
        return command;
    }

    /// <summary>The demo starts from an empty lake, but never empties a folder it did not make.</summary>
    private static bool PrepareFreshLake(DirectoryInfo folder)
    {
        if (folder.Exists && folder.EnumerateFileSystemInfos().Any())
        {
            if (!File.Exists(Path.Combine(folder.FullName, Marker)))
            {
                Console.Error.WriteLine($"{folder.FullName} is not empty and was not made by 'spotify-etl demo': choose another --lake, or empty it yourself.");
                return false;
            }
            folder.Delete(recursive: true);
        }
        folder.Create();
        File.WriteAllText(Path.Combine(folder.FullName, Marker), "Made by spotify-etl demo; the next demo run empties this folder.\n");
        return true;
    }
}
