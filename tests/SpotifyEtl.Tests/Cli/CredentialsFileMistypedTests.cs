using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Cli.Spotify;
using SpotifyEtl.Tests.Spotify;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A credentials file with a value typed without its quotes (a client secret pasted bare, a placeholder such as
/// <c>none</c>): the error names the field and its place, and shows nothing of the file after it, where the secret and
/// the refresh token are. The JSON reader's own message quotes the rest of the file.
/// </summary>
public sealed class CredentialsFileMistypedTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void A_value_without_its_quotes_is_named_by_its_field_and_the_secrets_after_it_are_never_shown(int seed)
    {
        var random = new Random(seed);
        var secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var refresh = "AQ" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var fields = new List<(string Name, string Value)>
        {
            ("client_id", "\"0123456789abcdef0123456789abcdef\""),
            ("client_secret", $"\"{secret}\""),
            ("refresh_token", $"\"{refresh}\""),
            ("authorized_at", "\"2026-11-01T10:00:00Z\""),
        };
        // The bare value comes before the refresh token: the client secret itself, or another field's placeholder.
        var bare = random.Next(2) == 0 ? 1 : random.Next(2) == 0 ? 0 : 3;
        var word = bare == 1 ? "f" + secret : GarbledTokenResponseTests.UnquotedWord(random);
        var name = fields[bare].Name;
        fields[bare] = (name, word);
        if (bare == 3)
        {
            (fields[2], fields[3]) = (fields[3], fields[2]);
        }
        var path = _folder["credentials.json"];
        File.WriteAllText(path, "{\n" + string.Join(",\n", fields.Select(f => $"  \"{f.Name}\": {f.Value}")) + "\n}\n");

        var refused = Assert.Throws<CliException>(() => CredentialsFile.Load(path));

        Assert.Equal(ExitCodes.DataError, refused.ExitCode);
        Assert.DoesNotContain(refresh[2..18], refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[..16], refused.Message, StringComparison.Ordinal);
        Assert.Contains($"$.{name}", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"line {fields.FindIndex(f => f.Name == name) + 2}", refused.Message, StringComparison.Ordinal);
    }
}
