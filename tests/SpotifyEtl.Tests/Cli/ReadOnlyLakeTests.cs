using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A lake on a file system mounted read-only (a container's <c>:ro</c> volume, a disk the kernel remounted read-only after an
/// error). The verbs that write it (<c>transform</c>, <c>import</c>, <c>current</c>, <c>extract</c>) end at once with exit 74,
/// naming the read-only file system and the lake, where a lock file the lake already held, failing to open for writing, was
/// taken for another process's lock: three of them waited for ever, and <c>extract</c> blamed another extract (exit 75).
/// The verbs that only read it (<c>query</c>, <c>report</c> with its page elsewhere) answer as on any lake. The mount is a
/// real one (<see cref="ReadOnlyMount"/>: root, a user namespace, or sudo without a password).
/// </summary>
public sealed class ReadOnlyLakeTests(ReadOnlyLakeTests.DemoLake demo) : IClassFixture<ReadOnlyLakeTests.DemoLake>, IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A lake the demo made (raw pages, an import, tables, the current-state tables), copied for each case.</summary>
    public sealed class DemoLake : IDisposable
    {
        private readonly TempFolder _folder = new();

        public DemoLake()
        {
            Lake = _folder["lake"];
            var run = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(3), "demo", "--lake", Lake);
            Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        }

        public string Lake { get; }

        public void Dispose() => _folder.Dispose();
    }

    /// <summary>The lock files a lake may hold under <c>.tmp/</c> when it is mounted read-only: the ones runs before left, in every mix.</summary>
    private static readonly string[] LockFiles =
    [
        LocalFolderStore.LockFile,
        LakeLock.WriterLockFile,
        Path.GetFileNameWithoutExtension(ExtractionState.LeaseKey) + LocalFolderStore.LeaseFileSuffix,
    ];

    public static TheoryData<string, int> Writers()
    {
        var random = new Random(74);
        var data = new TheoryData<string, int>();
        foreach (var verb in new[] { "transform", "import", "current", "extract" })
        {
            // All the lock files (what a lake used by every verb holds), and two other mixes of them, none included.
            foreach (var mask in new[] { (1 << LockFiles.Length) - 1, random.Next(1 << LockFiles.Length), random.Next(1 << LockFiles.Length) }.Distinct())
            {
                data.Add(verb, mask);
            }
        }
        return data;
    }

    /// <summary>A copy of the demo's lake, <c>.tmp/</c> as the demo left it but for its lock files: those of <paramref name="mask"/>.</summary>
    private string Lake(int mask)
    {
        var lake = _folder["lake"];
        TempFolder.CopyTree(demo.Lake, lake);
        var temporary = Path.Combine(lake, LocalFolderStore.TemporaryFolder);
        Directory.CreateDirectory(temporary);
        for (var i = 0; i < LockFiles.Length; i++)
        {
            var path = Path.Combine(temporary, LockFiles[i]);
            File.Delete(path);
            if ((mask & (1 << i)) != 0)
            {
                File.WriteAllBytes(path, []);
            }
        }
        return lake;
    }

    private (int ExitCode, string Output, string Errors) RunReadOnly(string lake, string verb, params string[] arguments)
    {
        var environment = new Dictionary<string, string>(CliTestContext.ProcessWithCredentials(_folder["home"]))
        {
            // An extraction that got past the lake's checks fails fast, asking no one.
            ["SPOTIFY_ACCOUNTS_BASE_URL"] = "http://127.0.0.1:1",
            ["SPOTIFY_API_BASE_URL"] = "http://127.0.0.1:1",
        };
        var start = SpotifyEtlProcess.StartInfo([verb, .. arguments]);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        return SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(1), ReadOnlyMount.Wrap(start, lake));
    }

    private static string[] ArgumentsOf(string verb, string lake) => verb switch
    {
        "import" => [LocalLake.ExportCopies(lake), "--lake", lake],
        "extract" => ["--lake", lake, "--playlist", "3cEYpjA9oz9GiPac4AsH4n", "--time-limit", "5"],
        _ => ["--lake", lake],
    };

    [Theory]
    [MemberData(nameof(Writers))]
    public void A_verb_that_writes_a_read_only_lake_ends_at_once_with_exit_74_naming_the_read_only_file_system(string verb, int mask)
    {
        var lake = Lake(mask);
        var before = _folder.Files("lake");

        var run = RunReadOnly(lake, verb, ArgumentsOf(verb, lake));

        Assert.True(run.ExitCode == ExitCodes.IoError, $"{verb} with lock files {mask}: exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("Read-only file system", run.Errors, StringComparison.Ordinal);
        Assert.Contains(lake, run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting for it to end", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Another spotify-etl", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Errors, StringComparison.Ordinal);
        Assert.Equal(before.Keys, _folder.Files("lake").Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void Query_and_report_read_a_read_only_lake_as_any_other(int mask)
    {
        var lake = Lake(mask);
        var page = _folder["page/report.html"];
        Directory.CreateDirectory(Path.GetDirectoryName(page)!);

        var query = RunReadOnly(lake, "query", "--lake", lake, "--query", "top_tracks", "--json");
        var report = RunReadOnly(lake, "report", "--lake", lake, "--out", page);

        Assert.True(query.ExitCode == 0, $"query with lock files {mask}: exit {query.ExitCode}: {query.Errors}");
        Assert.Contains("\"top_tracks\"", query.Output, StringComparison.Ordinal);
        Assert.True(report.ExitCode == 0, $"report with lock files {mask}: exit {report.ExitCode}: {report.Errors}");
        Assert.True(new FileInfo(page).Length > 0, "the report's page is written where --out says");
    }

    [Fact]
    public void A_report_into_a_read_only_lake_is_refused_before_its_queries_naming_the_page_and_the_file_system()
    {
        var lake = Lake(7);

        var report = RunReadOnly(lake, "report", "--lake", lake);

        Assert.True(report.ExitCode == ExitCodes.IoError, $"exit {report.ExitCode}: {report.Errors}");
        Assert.Contains($"Cannot write the report to {Path.Combine(lake, "report.html")}: the folder {lake} is on a read-only file system. Choose another --out.",
            report.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", report.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", report.Errors, StringComparison.Ordinal);
    }
}
