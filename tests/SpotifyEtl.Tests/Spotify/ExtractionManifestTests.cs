using System.Text.Json;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

public sealed class ExtractionManifestTests
{
    [Fact]
    public void Statuses_and_outcomes_keep_the_snake_case_names_alarms_and_docs_read()
    {
        Assert.Equal(["landed", "unchanged", "failed", "stopped", "not_run"], Enum.GetValues<SourceStatus>().Select(status => status.ToWireName()));
        Assert.Equal(["succeeded", "partial", "stopped", "failed"], Enum.GetValues<ExtractionOutcome>().Select(outcome => outcome.ToWireName()));
    }

    [Fact]
    public void The_manifest_writes_statuses_outcome_pass_and_request_counts_as_json_names()
    {
        var report = new SourceReport("saved_tracks", "saved_tracks", "me", SourceStatus.NotRun, 0, 0, 3, 1, ExtractionPass.Incremental, 5, null, null, []);
        var manifest = new ExtractionManifest("20261121T060000Z", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 0, ExtractionOutcome.Partial,
            null, false, "refresh_token", false, null, 3, 1, [report]);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(manifest, ExtractionJsonContext.Default.ExtractionManifest));

        var root = json.RootElement;
        Assert.Equal("partial", root.GetProperty("outcome").GetString());
        Assert.Equal((3, 1), (root.GetProperty("requests").GetInt32(), root.GetProperty("not_modified").GetInt32()));
        var source = root.GetProperty("sources")[0];
        Assert.Equal("not_run", source.GetProperty("status").GetString());
        Assert.Equal("incremental", source.GetProperty("pass").GetString());
        Assert.Equal(1, source.GetProperty("not_modified").GetInt32());
    }

    [Fact]
    public void Extraction_settings_come_from_the_environment_with_defaults_when_unset()
    {
        var options = ExtractorOptions.FromEnvironment(name => name switch
        {
            ExtractorOptions.TopItemsLimitVariable => "120",
            ExtractorOptions.MarketVariable => "SE",
            _ => null,
        });

        Assert.Equal((120, 7, "SE"), (options.TopItemsLimit, options.SavedTracksFullPassDays, options.Market));
    }

    [Theory]
    [InlineData(ExtractorOptions.TopItemsLimitVariable, "fifty", "is not a whole number")]
    [InlineData(ExtractorOptions.TopItemsLimitVariable, "0", "between 1 and 1000")]
    [InlineData(ExtractorOptions.SavedTracksFullPassDaysVariable, "400", "between 1 and 365")]
    public void A_bad_extraction_setting_is_refused_naming_the_variable_and_the_range(string variable, string value, string expected)
    {
        var error = Assert.Throws<SpotifyConfigurationException>(() => ExtractorOptions.FromEnvironment(name => name == variable ? value : null));

        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
