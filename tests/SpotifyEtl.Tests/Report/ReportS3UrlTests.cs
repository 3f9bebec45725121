using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Cli;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>An s3:// --lake without a bucket is a usage error, before any request: its prefix is not taken for the bucket.</summary>
public sealed class ReportS3UrlTests
{
    [Theory]
    [InlineData("s3://")]
    [InlineData("s3:///")]
    [InlineData("s3:///transformed")]
    [InlineData("s3:////dev/transformed/")]
    [InlineData("S3:///my-bucket")]
    public void A_report_of_an_s3_lake_without_a_bucket_exits_64_naming_what_to_give(string url)
    {
        var run = DemoCommandTests.RunCli("report", "--lake", url, "--json");

        Assert.True(run.ExitCode == ExitCodes.Usage, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"--lake {url}: name a bucket, as in s3://my-transformed-bucket or s3://bucket/prefix.", run.Errors, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData("s3://bucket", "bucket", "")]
    [InlineData("s3://bucket/", "bucket", "")]
    [InlineData("s3://bucket/dev/transformed", "bucket", "dev/transformed/")]
    [InlineData("s3://bucket/dev/transformed/", "bucket", "dev/transformed/")]
    [InlineData("s3://bucket//dev", "bucket", "/dev/")]
    public void An_s3_lake_is_its_bucket_and_the_prefix_under_it_as_S3_keys_spell_it(string url, string bucket, string prefix)
    {
        Assert.Equal((bucket, prefix), SpotifyEtl.Cli.Commands.ReportCommand.ParseS3(url));
    }
}
