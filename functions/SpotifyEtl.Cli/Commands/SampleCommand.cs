using System.CommandLine;
using System.Text.Json;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Commands;

internal static partial class SampleCommand
{
    /// <summary>Beside raw/: the options of the sample written there, so that the same sample may be written again and no other over it.</summary>
    private const string Marker = ".spotify-etl-sample";

    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write raw/... into (a lake or any folder).", Required = true };
        // A lake's raw/ named as --out would get a raw/ inside raw/, whose every object the lake's transformation sets aside.
        output.Validators.Add(result =>
        {
            // A bucket would otherwise be a folder named "s3:" in the current folder.
            if (result.Tokens.Count > 0 && result.Tokens[0].Value is { } bucket && bucket.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
            {
                result.AddError($"--out {bucket}: sample writes a local folder. To try the stack on AWS, make the sample here, copy its raw/ " +
                    "into the raw bucket (aws s3 cp --recursive <folder>/raw s3://<raw bucket>/raw), then replay its days, which an upload " +
                    "under raw/ does not start (docs/transformation.md, \"Replay and backfill\").");
                return;
            }
            if (result.Tokens.Count > 0 && result.Tokens[0].Value is { Length: > 0 } text
                && Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(text))) == LakeLayout.Raw.TrimEnd('/'))
            {
                result.AddError($"--out {text} ends in raw: --out is the folder that will hold raw/, so give its parent, " +
                    $"{Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(text)))}.");
            }
        });
        var large = CliOptions.Large();
        var days = CliOptions.SampleDays("Daily snapshots to make, ending on 2026-11-20.", large);
        var items = CliOptions.SampleItems("Entries per playlist (pages of 50 as the API sends them).", large);
        var seed = CliOptions.Seed("Seed: the same seed gives the same bytes, another seed another sample.");
        var json = CliOptions.Json();

        var command = new Command("sample",
            "Write raw Spotify responses as the extractor lands them: two playlists, one changing every day and one every other day " +
            "(metadata every day, every page of the items on days the playlist changed), plus each day a page of recently played tracks, " +
            "saved tracks (a full pass the first day, then incremental pages) and the top tracks and artists. " +
            "Deterministic for a seed.")
        {
            output, days, items, seed, large, json,
        };
        CliOptions.RequireLarge(command, large, (days, 366, CliOptions.LargeSampleDays), (items, 10_000, CliOptions.LargeSampleItems));
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(output)!;
            var options = new SampleOptions(parse.GetValue(days), parse.GetValue(items), parse.GetValue(seed));
            var estimate = SampleGenerator.EstimateBytes(options);
            CheckFreeSpace(folder, estimate, "--out", RawBytes(folder));
            var stamp = $"days={options.Days} items={options.Items} seed={options.Seed}";
            // The folder above lakes (as .lake holds .lake/demo) would get a raw/ of its own, a new lake mixed with them.
            LocalLake.MustHoldALake(folder.FullName, " A sample needs a folder of its own.", "--out");
            CheckNoOtherRawObjects(folder, stamp);
            var lake = LocalLake.Open(folder, "--out");
            File.WriteAllText(Path.Combine(folder.FullName, Marker), stamp + "\n");
            var summary = await ProgressDisplay.RunAsync("Writing raw objects", report =>
                new SampleGenerator(new CountingStore(lake, (objects, bytes) => report(objects, null, bytes), (key, content) => CheckUnchanged(folder, key, content)))
                    .WriteAsync(options, cancellationToken), estimate).ConfigureAwait(false);
            var raw = Path.Combine(folder.FullName, "raw");
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new SampleJson(summary.Objects, summary.Bytes, summary.Playlists, summary.Days, raw), SummaryJsonContext.Default.SampleJson));
            }
            else
            {
                Console.WriteLine($"Wrote {Counted.Of(summary.Objects, "raw object")} ({Sizes.Of(summary.Bytes)}): {Counted.Of(summary.Playlists, "playlist")} over {Counted.Of(summary.Days, "day")}, under {raw}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Refuses to write over raw objects of another sample, or of an extraction: a sample shares their keys (the same
    /// days and run times), so it would replace some of them and leave the rest, one lake of two mixed sources.
    /// Writing the same sample again gives the same bytes and is allowed.
    /// </summary>
    private static void CheckNoOtherRawObjects(DirectoryInfo folder, string stamp)
    {
        var raw = Path.Combine(folder.FullName, "raw");
        if (!Directory.Exists(raw) || !LakeFiles.Under(raw).Any())
        {
            return;
        }
        var marker = Path.Combine(folder.FullName, Marker);
        var written = File.Exists(marker) ? Head(marker).Trim() : null;
        if (written == stamp)
        {
            return;
        }
        // Shown only as a sample writes it: one short line, nothing a terminal would take as a control sequence.
        if (written is not null && !StampShape().IsMatch(written))
        {
            written = $"its record {Marker} is damaged: empty, or not the one line a sample writes";
        }
        // Raw objects the sample did not write may be extracted data, which may not come back: the advice never deletes them.
        throw new CliException(ExitCodes.Usage, written is null
            ? $"{folder.FullName} already holds raw objects that 'spotify-etl sample' did not write: this sample would replace some of them and leave the rest. " +
              "Choose an empty --out; those raw objects stay as they are."
            : $"{folder.FullName} already holds another sample's raw objects ({written}), and perhaps more since (an extraction's, an import's): this sample " +
              "would replace some of them and leave the rest. Choose an empty --out; the raw objects there stay as they are.");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\Adays=[0-9]{1,10} items=[0-9]{1,10} seed=[0-9]{1,10}\z")]
    private static partial System.Text.RegularExpressions.Regex StampShape();

    /// <summary>The start of a file, enough for any stamp: a file written over with something large is not read whole.</summary>
    private static string Head(string path)
    {
        using var file = File.OpenRead(path);
        var bytes = new byte[256];
        return System.Text.Encoding.UTF8.GetString(bytes, 0, file.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false));
    }

    /// <summary>
    /// Refuses to write over a raw object of this same sample whose bytes changed since it wrote them (mended by hand, as a
    /// quarantined object is): the same sample written again gives the same bytes, so every object before it was written
    /// again as it was, and the lake is as it was before the command.
    /// </summary>
    private static void CheckUnchanged(DirectoryInfo folder, string key, Stream content)
    {
        var path = Path.Combine(folder.FullName, key);
        if (!File.Exists(path) || !content.CanSeek)
        {
            return;
        }
        var start = content.Position;
        var bytes = new byte[content.Length - start];
        content.ReadExactly(bytes);
        content.Position = start;
        if (!File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            throw new CliException(ExitCodes.Usage, $"{path} changed since this sample wrote it: writing the sample again would replace it. " +
                                                    "Move it out of the lake first, or write the sample to another --out; it stays as it is.");
        }
    }

    /// <summary>
    /// Refuses, before a byte is written, a sample larger than the free space where it goes (<paramref name="option"/> names that
    /// folder). The estimate is within about a tenth of the bytes written, so a fifth more is asked for: a sample that fits only
    /// by the estimate's low side had failed with its last objects unwritten. What <paramref name="already"/> holds of it (a run
    /// stopped by a full disk, run again) is written over, not beside: only the rest is asked for.
    /// </summary>
    internal static void CheckFreeSpace(DirectoryInfo folder, long estimate, string option, long already = 0)
    {
        var needed = Math.Max(0, (long)(estimate * 1.2) - already);
        // Free space unknown here: the write itself reports a full disk.
        if (Sizes.FreeAt(folder.FullName) is (var free, var existing) && needed > free)
        {
            var written = already > 0 ? $", {Sizes.Of(already)} of it written there already," : "";
            throw new CliException(ExitCodes.IoError,
                $"This sample takes about {Sizes.Of(estimate)} (up to {Sizes.Of((long)(estimate * 1.2))}){written} and {existing} has {Sizes.Of(free)} free: " +
                $"free {Sizes.AtLeast(needed - free)} more there, choose fewer --days or --items, or another {option}.");
        }
    }

    /// <summary>The bytes of the files under the folder's raw/: what an earlier run of the sample wrote there, which it writes over.</summary>
    private static long RawBytes(DirectoryInfo folder)
    {
        var raw = new DirectoryInfo(Path.Combine(folder.FullName, "raw"));
        try
        {
            // The sources a sample writes: not the copies an import keeps beside them, which the sample does not write over.
            return !raw.Exists ? 0 : raw.EnumerateDirectories().Where(source => source.Name != StackContract.RawSources.SpotifyExport)
                .SelectMany(source => source.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
                .Sum(file => file.Length);
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            return 0; // counted as none: the check then asks for the whole sample, as for a new folder
        }
    }

}
