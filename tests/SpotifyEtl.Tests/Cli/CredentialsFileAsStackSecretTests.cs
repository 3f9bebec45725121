using System.Text.Json;
using SpotifyEtl.Cli.Spotify;
using SpotifyEtl.Spotify;
using SpotifyEtl.Functions.Aws;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A stack's Spotify secret takes the credentials file as it is (put-secret-value --secret-string file://...):
/// whatever `auth login --credentials` saves, the extract function reads back unchanged.
/// </summary>
public sealed class CredentialsFileAsStackSecretTests
{
    public static TheoryData<string, string, string?> Credentials()
    {
        var data = new TheoryData<string, string, string?>();
        var random = new Random(22);
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=\"\\é😀 ";
        string Text(int length) => new([.. Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])]);
        for (var i = 0; i < 12; i++)
        {
            data.Add(Text(32), Text(1 + random.Next(64)), i % 4 == 0 ? null : Text(1 + random.Next(200)));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Credentials))]
    public void The_saved_credentials_file_is_the_secret_value_the_extract_function_reads(string clientId, string clientSecret, string? refreshToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"spotify-credentials-{Guid.NewGuid():N}");
        var path = Path.Combine(folder, "credentials.json");
        try
        {
            CredentialsFile.Save(path, new SpotifyCredentials(clientId, clientSecret, refreshToken));

            var secret = JsonSerializer.Deserialize(File.ReadAllText(path), AwsJsonContext.Default.SpotifySecretValue);

            Assert.NotNull(secret);
            Assert.Equal(clientId, secret.ClientId);
            Assert.Equal(clientSecret, secret.ClientSecret);
            Assert.Equal(refreshToken, secret.RefreshToken);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
