using System.Text.Json;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// The extract function's <c>extract_failed</c> line names the run that failed, once the run has a name: the run id its
/// manifest and raw objects carry, so that a person reading the line finds what the run landed.
/// </summary>
public sealed class ExtractFailureLineTests : ExtractFunctionHarness
{
    [Fact]
    public async Task A_run_that_fails_after_it_is_named_names_its_run_id_in_the_extract_failed_line()
    {
        SpotifyApi.RefuseRefreshTokens = true;

        Assert.Throws<SpotifyReauthorizationRequiredException>(() => Function().RunHandler(Event()));

        var failure = JsonDocument.Parse(Assert.Single(Logged, line => line.Contains("\"extract_failed\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal("20261121T060000Z", failure.GetProperty("run_id").GetString());
        Assert.True(await new LocalFolderStore(Lake).ExistsAsync("manifests/20261121T060000Z.json"), "the run the line names has its manifest");
        Assert.All(Logged, SpotifyExtractorTests.AssertNoSecret);
    }
}
