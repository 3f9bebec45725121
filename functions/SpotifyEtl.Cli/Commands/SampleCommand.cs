using System.CommandLine;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Commands;

internal static class SampleCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write raw/... into (a lake or any folder).", Required = true };
        var days = CliOptions.Positive("--days", "Daily snapshots to make, ending on 2026-11-20.", 7);
        var items = CliOptions.Positive("--items", "Entries per playlist (pages of 50 as the API sends them).", 60);
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed gives the same bytes.", DefaultValueFactory = _ => 42 };

        var command = new Command("sample",
            "Write raw Spotify responses as the extractor lands them: two playlists, one changing every day and one every other day " +
            "(metadata every day, every page of the items on days the playlist changed), plus a page of recently played tracks per day. " +
            "Deterministic for a seed.")
        {
            output, days, items, seed,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(output)!;
            var summary = await new SampleGenerator(new LocalFolderStore(folder.FullName))
                .WriteAsync(new SampleOptions(parse.GetValue(days), parse.GetValue(items), parse.GetValue(seed)), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Wrote {summary.Objects} raw objects ({summary.Bytes / 1024.0:N0} KiB): {summary.Playlists} playlists over {summary.Days} days, under {Path.Combine(folder.FullName, "raw")}");
            return 0;
        });
        return command;
    }
}
