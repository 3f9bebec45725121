using System.Text.RegularExpressions;
using Amazon.S3.Model;
using SpotifyEtl.Cli.Report;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using SpotifyEtl.Lake;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>`report --lake s3://bucket/prefix` reads the transformed tables through the S3 store (the fauxqs emulator here).</summary>
[Collection(FauxqsTests.Name)]
public sealed partial class ReportOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [GeneratedRegex("<table data-query=.*?</table>", RegexOptions.Singleline)]
    private static partial Regex QueryTable();

    /// <summary>A sample lake of three days, transformed on disk.</summary>
    private async Task<LocalFolderStore> TransformedLakeAsync()
    {
        var local = new LocalFolderStore(_folder["lake"]);
        await new SampleGenerator(local).WriteAsync(new SampleOptions(Days: 3, Items: 40, Seed: 5));
        await new TransformPipeline(local, local, new TransformOptions()).TransformAsync(await local.ListAsync(LakeLayout.Raw).ToListAsync());
        return local;
    }

    /// <summary>The AWS settings that point the CLI at the emulator.</summary>
    private Dictionary<string, string> Emulator() => new()
    {
        ["AWS_ENDPOINT_URL_S3"] = server.ServiceUrl.ToString(),
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
        ["AWS_REGION"] = FauxqsServer.Region,
    };

    [Fact]
    public async Task A_report_from_S3_shows_the_same_answers_as_the_report_of_the_same_lake_on_disk()
    {
        var local = await TransformedLakeAsync();
        var bucket = await server.CreateBucketAsync("report");
        using (var client = server.CreateClient())
        {
            var s3 = new S3ObjectStore(client, bucket);
            foreach (var key in await local.ListAsync(LakeLayout.Transformed).ToListAsync())
            {
                await using var content = await local.OpenReadAsync(key);
                await s3.PutAsync("team/" + key, content, "application/octet-stream");
            }
            // Raw objects beside the tables are never read: an unreadable one changes nothing.
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "team/raw/broken.json", ContentBody = "{" });
        }
        var fromS3 = DemoCommandTests.RunCli(Emulator(), "report", "--lake", $"s3://{bucket}/team", "--out", _folder["s3.html"]);
        var fromDisk = DemoCommandTests.RunCli("report", "--lake", _folder["lake"], "--out", _folder["disk.html"]);

        Assert.True(fromS3.ExitCode == 0, fromS3.Errors);
        Assert.True(fromDisk.ExitCode == 0, fromDisk.Errors);
        var s3Tables = QueryTable().Matches(File.ReadAllText(_folder["s3.html"])).Select(m => m.Value).ToList();
        Assert.Equal(QueryTable().Matches(File.ReadAllText(_folder["disk.html"])).Select(m => m.Value), s3Tables);
        Assert.True(s3Tables.Count >= 12);
        Assert.Contains($"s3://{bucket}/team", File.ReadAllText(_folder["s3.html"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Table_files_a_transform_deletes_while_the_report_copies_the_bucket_are_left_out_and_the_rest_copied(int seed)
    {
        var local = await TransformedLakeAsync();
        var bucket = await server.CreateBucketAsync($"deleting-{seed}");
        using var client = server.CreateClient();
        var s3 = new S3ObjectStore(client, bucket);
        var keys = (await local.ListAsync(LakeLayout.Transformed).ToListAsync()).Order(StringComparer.Ordinal).ToList();
        foreach (var key in keys)
        {
            await using var content = await local.OpenReadAsync(key);
            await s3.PutAsync("team/" + key, content, "application/octet-stream");
        }
        // Some of the listed files are deleted right after the listing names them, before the copy reads them.
        var random = new Random(seed);
        var deleted = keys.Where(_ => random.Next(3) == 0).Select(key => "team/" + key).ToHashSet(StringComparer.Ordinal);
        var copy = _folder[$"copy-{seed}"];

        var told = new List<(long Files, long Bytes)>();
        var copied = await TransformedTables.CopyAsync(new DeletingAfterListingStore(s3, deleted), "team/", copy, default, (files, bytes) => told.Add((files, bytes)));

        var kept = keys.Where(key => !deleted.Contains("team/" + key)).ToList();
        Assert.Equal(kept.Count, copied);
        // The progress shown while it copies: one step per file copied, the bytes the files hold.
        Assert.Equal(Enumerable.Range(1, kept.Count).Select(n => (long)n), told.Select(t => t.Files));
        Assert.Equal(kept.Sum(key => new FileInfo(Path.Combine(_folder["lake"], key)).Length), told.Count == 0 ? 0 : told[^1].Bytes);
        Assert.Equal(kept, Directory.EnumerateFiles(copy, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(copy, path).Replace('\\', '/')).Order(StringComparer.Ordinal));
        Assert.All(kept, key => Assert.True(File.ReadAllBytes(Path.Combine(_folder["lake"], key)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(copy, key))), key));
    }

    /// <summary>Deletes each of <paramref name="doomed"/> once the listing has named it, as a transform deleting files meanwhile does.</summary>
    private sealed class DeletingAfterListingStore(IObjectStore inner, IReadOnlySet<string> doomed) : ForwardingStore(inner)
    {
        public override async IAsyncEnumerable<string> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            // The whole listing is taken first, as one from S3 is, then each doomed key deleted just before it is handed on.
            var listed = await base.ListAsync(prefix, cancellationToken).ToListAsync(cancellationToken);
            foreach (var key in listed)
            {
                if (doomed.Contains(key))
                {
                    await DeleteAsync(key, cancellationToken);
                }
                yield return key;
            }
        }
    }

    [Theory]
    [InlineData("songs", "replay the file's day with the transform function")]
    [InlineData("songs_current", "replay any day with the transform function")]
    public async Task A_damaged_file_in_the_bucket_is_named_with_what_rewrites_it_on_AWS_not_a_local_command(string table, string advice)
    {
        var local = await TransformedLakeAsync();
        var bucket = await server.CreateBucketAsync("damaged");
        var tableFiles = (await local.ListAsync($"{LakeLayout.Transformed}{table}/").ToListAsync()).Order(StringComparer.Ordinal).ToList();
        // The last file of the table: for a daily table never the one its view is made from.
        var damaged = tableFiles[^1];
        using (var client = server.CreateClient())
        {
            var s3 = new S3ObjectStore(client, bucket);
            foreach (var key in await local.ListAsync(LakeLayout.Transformed).ToListAsync())
            {
                var bytes = await local.ReadAllBytesAsync(key);
                await s3.PutBytesAsync(key, key == damaged ? bytes[..(bytes.Length / 2)] : bytes, "application/octet-stream");
            }
        }
        var run = DemoCommandTests.RunCli(Emulator(), "report", "--lake", $"s3://{bucket}", "--out", _folder["r.html"]);

        Assert.True(run.ExitCode == 65, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"Table '{table}' cannot be read", run.Errors, StringComparison.Ordinal);
        Assert.Contains(advice, run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("spotify-etl transform", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("spotify-etl current", run.Errors, StringComparison.Ordinal);
        // Read from a temporary copy that is gone once the command ends: its files are named as the bucket's.
        Assert.DoesNotContain("spotify-etl-report-", run.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_table_file_whose_download_is_cut_short_exits_69_naming_the_file_not_the_disk(int seed)
    {
        var local = await TransformedLakeAsync();
        var bucket = await server.CreateBucketAsync("cut");
        var keys = await local.ListAsync(LakeLayout.Transformed).ToListAsync();
        using (var client = server.CreateClient())
        {
            var s3 = new S3ObjectStore(client, bucket);
            foreach (var key in keys)
            {
                await s3.PutBytesAsync(key, await local.ReadAllBytesAsync(key), "application/octet-stream");
            }
        }
        await using var proxy = await S3FaultProxy.StartAsync(server.ServiceUrl);
        var broken = keys[new Random(seed).Next(keys.Count)];
        proxy.Choose = path => path == $"/{bucket}/{broken}" ? BodyFault.CutShort : BodyFault.None;
        var environment = Emulator();
        environment["AWS_ENDPOINT_URL_S3"] = proxy.Address.ToString();

        var run = DemoCommandTests.RunCli(environment, "report", "--lake", $"s3://{bucket}", "--out", _folder["r.html"]);

        Assert.True(run.ExitCode == 69, $"exit {run.ExitCode}: {run.Errors}");
        var line = Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"spotify-etl: Cannot read s3://{bucket}: GET s3://{bucket}/{broken}: ", line, StringComparison.Ordinal);
        Assert.Contains("the network", line, StringComparison.Ordinal);
        Assert.DoesNotContain("disk", line, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder["r.html"]));
    }

    public static TheoryData<string, string> Unreachable() => new()
    {
        // No server on the port: nothing answers.
        { "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9" },
        // No credentials anywhere the SDK looks.
        { "AWS_ACCESS_KEY_ID", "" },
    };

    [Theory]
    [MemberData(nameof(Unreachable))]
    public void A_bucket_that_cannot_be_reached_exits_69_with_one_line_saying_why(string variable, string value)
    {
        var environment = Emulator();
        environment["AWS_SHARED_CREDENTIALS_FILE"] = _folder["no-credentials"];
        environment["AWS_CONFIG_FILE"] = _folder["no-config"];
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        environment["AWS_MAX_ATTEMPTS"] = "1";
        environment[variable] = value;
        if (value.Length == 0)
        {
            environment["AWS_SECRET_ACCESS_KEY"] = "";
        }

        var run = DemoCommandTests.RunCli(environment, "report", "--lake", "s3://some-bucket", "--out", _folder["r.html"]);

        Assert.True(run.ExitCode == 69, $"exit {run.ExitCode}: {run.Errors}");
        var line = Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("spotify-etl: Cannot read s3://some-bucket: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
        // One sentence of reason, not the opening of a list the line leaves out ("... returned the following errors:.").
        Assert.DoesNotContain(":.", line, StringComparison.Ordinal);
        Assert.DoesNotContain("following", line, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder["r.html"]));
    }

    /// <summary>
    /// A page that cannot be written (a file where its folder must be) is refused before the bucket is asked for its tables,
    /// where it was found only once every table file had been copied and every query run: the endpoint here answers nothing,
    /// so a report that asked it would end with exit 69 instead.
    /// </summary>
    [Fact]
    public void A_page_that_cannot_be_written_is_refused_before_the_bucket_is_asked()
    {
        File.WriteAllText(_folder["a-file"], "");
        var page = Path.Combine(_folder["a-file"], "report.html");
        var environment = Emulator();
        environment["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9";
        environment["AWS_MAX_ATTEMPTS"] = "1";

        var run = DemoCommandTests.RunCli(environment, "report", "--lake", "s3://some-bucket", "--out", page);

        Assert.True(run.ExitCode == 74, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"Cannot write the report to {page}: {_folder["a-file"]} is a file, not a folder. Choose another --out.", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Cannot read s3://", run.Errors, StringComparison.Ordinal);
    }

    /// <summary>The check that the page can be written makes no folder: a report that fails on the bucket leaves the --out folder unmade.</summary>
    [Fact]
    public void A_report_that_fails_on_the_bucket_leaves_no_folder_of_its_out_behind()
    {
        var page = Path.Combine(_folder["pages"], "a", "b") + Path.DirectorySeparatorChar;
        var environment = Emulator();
        environment["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9";
        environment["AWS_MAX_ATTEMPTS"] = "1";

        var run = DemoCommandTests.RunCli(environment, "report", "--lake", "s3://some-bucket", "--out", page);

        Assert.True(run.ExitCode == 69, $"exit {run.ExitCode}: {run.Errors}");
        Assert.False(Directory.Exists(_folder["pages"]), "the --out folder was made by a report that wrote no page");
    }

    /// <summary>
    /// An S3 endpoint that takes the connection and never answers (a proxy or firewall that swallows requests): Ctrl-C or a
    /// SIGTERM during the wait ends the report as it ends every verb (130 or 143, its one line), not as a bucket that gave
    /// no answer (69), and no page is written.
    /// </summary>
    [Theory]
    [InlineData(Signals.Sigint, 50)]
    [InlineData(Signals.Sigterm, 300)]
    [InlineData(Signals.Sigint, 900)]
    public async Task A_signal_while_report_waits_on_an_endpoint_that_never_answers_ends_it_as_every_verb_ends(int signal, int afterMs)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // POSIX signals only
        }
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var accepted = _folder["accepted"];
        var held = new System.Collections.Concurrent.ConcurrentBag<System.Net.Sockets.TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                held.Add(await listener.AcceptTcpClientAsync(stop.Token));
                await File.WriteAllTextAsync(accepted, "a request is waiting");
            }
        });
        var environment = Emulator();
        environment["AWS_ENDPOINT_URL_S3"] = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";

        var run = Signals.RunAndSignal(signal, accepted, TimeSpan.FromMilliseconds(afterMs), environment, "report", "--lake", "s3://silent-bucket", "--out", _folder["r.html"]);

        await stop.CancelAsync();
        Assert.NotNull(run);
        Faults.InterruptedVerbTests.AssertStoppedBy(signal, run.Value);
        Assert.False(File.Exists(_folder["r.html"]));
        foreach (var client in held)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task A_bucket_without_tables_is_named_with_what_to_point_at()
    {
        var bucket = await server.CreateBucketAsync("empty");

        var run = DemoCommandTests.RunCli(Emulator(), "report", "--lake", $"s3://{bucket}", "--out", _folder["r.html"]);

        Assert.Equal(66, run.ExitCode);
        Assert.Contains("no tables under transformed/", run.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder["r.html"]));
    }
}
