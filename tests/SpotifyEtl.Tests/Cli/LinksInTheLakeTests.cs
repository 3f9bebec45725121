using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// Links to folders inside the lake's quarantine/ and transformed/ (a loop back into the lake, a link to a folder outside
/// it): the walks that tidy unfinished quarantines, count quarantined objects and find the lake's format do not follow
/// them. So no verb runs for ever on a loop, and none deletes, counts or reads files outside the lake as its own.
/// </summary>
public sealed class LinksInTheLakeTests : IDisposable
{
    /// <summary>The verbs that open the lake for writing, and so tidy its quarantine and look for its format first.</summary>
    private static readonly string[][] Verbs = [["transform"], ["current"]];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task Links_to_folders_in_the_lake_are_not_followed_and_nothing_outside_it_is_touched(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 1 + random.Next(2), Items: 3, Seed: seed));
        Assert.Equal(0, Run(lake, ["transform"]).ExitCode);

        // Outside the lake: files named as the lake names a quarantine's reason (with no object beside them) and its tables.
        var outside = _folder["outside"];
        Directory.CreateDirectory(outside);
        var strangers = Enumerable.Range(0, 1 + random.Next(4))
            .Select(i => Path.Combine(outside, random.Next(2) == 0 ? $"object-{i}.json.reason.txt" : $"table-{i}.csv"))
            .ToList();
        strangers.ForEach(path => File.WriteAllText(path, "not the lake's"));
        var quarantine = Path.Combine(lake, "quarantine", $"raw-{random.Next(100)}");
        Directory.CreateDirectory(quarantine);
        File.CreateSymbolicLink(Path.Combine(quarantine, "elsewhere"), outside);
        // Loops: to the lake's own folders and to the lake itself, in quarantine/ and in transformed/.
        File.CreateSymbolicLink(Path.Combine(quarantine, "loop"), Path.Combine(lake, "quarantine"));
        File.CreateSymbolicLink(Path.Combine(lake, "transformed", "loop"), lake);
        if (random.Next(2) == 0)
        {
            File.CreateSymbolicLink(Path.Combine(lake, "quarantine", "lake"), lake);
        }
        var verb = Verbs[seed % Verbs.Length];

        var run = Run(lake, verb);

        Assert.True(run.ExitCode == 0, $"{string.Join(' ', verb)}: exit {run.ExitCode}: {run.Errors}");
        Assert.All(strangers, path => Assert.Equal("not the lake's", File.ReadAllText(path)));
    }

    private static (int ExitCode, string Errors) Run(string lake, string[] verb)
    {
        var run = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(2), [verb[0], "--lake", lake, .. verb[1..]]);
        return (run.ExitCode, run.Errors);
    }
}
