using SpotifyEtl.Lake;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using SpotifyEtl.SampleLibrary;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>
/// A report from a bucket under hard open-file limits. The AWS SDK signs its first request with SHA-256 through the
/// system's OpenSSL, which the runtime loads then and, when the limit refuses the load, ends the process on the spot ("No
/// usable version of libssl was found", exit 134). Every limit from four files up ends the report with its page, or with
/// exit 74 naming the limit: none in the runtime's abort, none in a stack trace.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class ReportOnS3OpenFileLimitTests(FauxqsServer server) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Every_hard_limit_ends_a_report_from_a_bucket_with_its_page_or_exit_74_naming_the_limit_never_in_the_runtime_s_abort()
    {
        var local = new LocalFolderStore(_folder["lake"]);
        await new SampleGenerator(local).WriteAsync(new SampleOptions(Days: 2, Items: 20, Seed: 3));
        await new TransformPipeline(local, local, new TransformOptions()).TransformAsync(await local.ListAsync(LakeLayout.Raw).ToListAsync());
        var bucket = await server.CreateBucketAsync("limited");
        using (var client = server.CreateClient())
        {
            var s3 = new S3ObjectStore(client, bucket);
            foreach (var key in await local.ListAsync(LakeLayout.Transformed).ToListAsync())
            {
                await using var content = await local.OpenReadAsync(key);
                await s3.PutAsync(key, content, "application/octet-stream");
            }
        }
        var exports = string.Join(" && ", new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_S3"] = server.ServiceUrl.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_REGION"] = FauxqsServer.Region,
            ["HOME"] = _folder.Path,
        }.Select(variable => $"export {variable.Key}='{variable.Value}'"));

        OpenFileLimitTests.Sweep(OpenFileLimitTests.Jit ? OpenFileLimitTests.JitFloor : 4, () => 1, "a report from a bucket", limit =>
        {
            var page = _folder[$"run-{limit}/report.html"];
            Directory.CreateDirectory(Path.GetDirectoryName(page)!);
            var (exitCode, _, errors) = SpotifyEtlProcess.RunUnderBash(["report", "--lake", $"s3://{bucket}", "--out", page],
                command => $"{exports} && export XDG_CACHE_HOME='{_folder[$"run-{limit}/cache"]}' && ulimit -n {limit} && exec {command}");
            var what = $"report from a bucket under a hard limit of {limit}: exit {exitCode}, {errors}";
            Assert.False(errors.Contains("No usable version of libssl", StringComparison.Ordinal) || exitCode == 134, what);
            Assert.True(exitCode != 0 || File.Exists(page), what);
            return (exitCode, errors);
        });
    }
}
