using System.Diagnostics;
using System.Net.Http;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SpotifyEtl.Functions;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// A real S3-protocol server for the tests: fauxqs 1.9.2 from <c>infra/node_modules</c> (installed by
/// <c>npm ci --prefix infra</c>), started once per test run on a port the OS picks on this machine,
/// and stopped when the run ends. Each test class takes its own buckets, so classes never share objects.
/// </summary>
public sealed partial class FauxqsServer : IAsyncLifetime, IDisposable
{
    internal const string Region = "us-east-1";
    private readonly LambdaRole _lambdaRole = new("transform");
    private readonly LambdaRole _extractRole = new("extract");
    private Process? _process;

    public Uri ServiceUrl { get; private set; } = null!;

    public Task InitializeAsync() => StartAsync(port: 0);

    /// <summary>
    /// Kills the server, as a crash or an outage would: every request fails until <see cref="RestartAsync"/>.
    /// The emulator keeps objects in memory only, so they go with it.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts a new server on the same port, so clients built before the outage reach it again.</summary>
    public Task RestartAsync() => StartAsync(ServiceUrl.Port);

    private async Task StartAsync(int port)
    {
        var root = RepositoryRoot();
        var app = Path.Combine(root, "infra", "node_modules", "fauxqs", "dist", "app.js");
        if (!File.Exists(app))
        {
            throw new InvalidOperationException($"fauxqs is not installed ({app} is missing): run 'npm ci --prefix infra' (or 'make restore') first.");
        }
        // Port 0: the OS picks a free port and fauxqs prints it, so parallel runs never collide.
        // The server exits when its stdin closes, so it never outlives a test host that crashed.
        var script = $$"""
            import { startFauxqs } from {{System.Text.Json.JsonSerializer.Serialize(new Uri(app).AbsoluteUri)}};
            const server = await startFauxqs({ port: {{port}}, logger: false });
            console.log("FAUXQS_PORT=" + server.port);
            process.stdin.resume();
            process.stdin.on("end", () => process.exit(0));
            """;
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        start.ArgumentList.Add("--input-type=module");
        start.ArgumentList.Add("--eval");
        start.ArgumentList.Add(script);
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");

        var stderr = _process.StandardError.ReadToEndAsync();
        // Generous: on a loaded machine node itself may take seconds to start.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        int? listening = null;
        while (listening is null)
        {
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException($"fauxqs exited before it listened: {await stderr}");
            }
            var match = PortLine().Match(line);
            if (match.Success)
            {
                listening = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        ServiceUrl = new Uri($"http://127.0.0.1:{listening}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(ServiceUrl, "/health"), timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!timeout.IsCancellationRequested)
            {
                // One health check slower than the client's 2 s: ask again until the overall limit.
            }
            await Task.Delay(100, timeout.Token);
        }
    }

    /// <summary>A client as the Lambda would build one, pointed at the emulator; through <paramref name="http"/> when given.</summary>
    public AmazonS3Client CreateClient(HttpClientFactory? http = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = ServiceUrl.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = Region,
        };
        if (http is not null)
        {
            config.HttpClientFactory = http;
        }
        return new AmazonS3Client(new BasicAWSCredentials("test", "test"), config);
    }

    /// <summary>
    /// A client that sees the emulator as a Lambda function's role sees S3 (<see cref="LambdaRole"/>): a read of
    /// a missing key answers 403, as S3 answers a role that may list only under a prefix, and a listing outside the
    /// role's prefixes is refused. The transform's role unless the extract's is asked for.
    /// </summary>
    internal AmazonS3Client CreateLambdaRoleClient(string role = "transform") => CreateClient(role == "extract" ? _extractRole : _lambdaRole);

    /// <summary>Creates a bucket with a unique name starting with <paramref name="purpose"/>.</summary>
    public async Task<string> CreateBucketAsync(string purpose)
    {
        var name = $"{purpose}-{Guid.NewGuid():N}"; // purpose: a few lowercase letters, so at most 63 characters
        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    /// <summary>The transform function's settings over a fresh raw bucket and a fresh transformed bucket.</summary>
    internal async Task<TransformSettings> CreateTransformBucketsAsync() => TransformSettings.FromEnvironment(new Dictionary<string, string?>
    {
        [TransformSettings.RawBucketVariable] = await CreateBucketAsync("raw"),
        [TransformSettings.TransformedBucketVariable] = await CreateBucketAsync("transformed"),
    }.GetValueOrDefault);

    public void Dispose()
    {
        _lambdaRole.Dispose();
        _extractRole.Dispose();
    }

    public async Task DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(exited.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SpotifyStack.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No SpotifyStack.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^FAUXQS_PORT=(\d+)$")]
    private static partial Regex PortLine();
}

/// <summary>One emulator process for every test class that needs S3.</summary>
[CollectionDefinition(Name)]
public sealed class FauxqsTests : ICollectionFixture<FauxqsServer>
{
    public const string Name = "fauxqs";
}
