using System.Security.Cryptography;
using SpotifyEtl;
using SpotifyEtl.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// The system's OpenSSL is loaded before the first hash or TLS connection, as the runtime would load it, so that a load the
/// open-file limit refuses is told as the limit instead of ending the process in the runtime's abort. The process tests of
/// the limit (OpenFileLimitTests: an unzipped export's import; OpenFileLimitOverTlsTests; ReportOnS3OpenFileLimitTests) show it end to end;
/// these show the search itself.
/// </summary>
public sealed class ContentHashTests
{
    private static readonly string[] s_names = ["libssl.so.3", "libssl.so.1.1", "libssl.so.1.0.2"];

    private const string Use = "which encrypts the connections to Spotify";

    private const string NotHere = "libssl.so.3: cannot open shared object file: No such file or directory";

    [Fact]
    public void The_hash_is_the_content_s_sha256_in_lower_case_hex_from_bytes_and_from_a_stream()
    {
        var random = new Random(7);
        foreach (var length in (int[])[0, 1, 63, 64, 65, 4096, 100_003])
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            var expected = Convert.ToHexStringLower(SHA256.HashData(bytes));
            Assert.Equal(expected, ContentHash.Sha256(bytes));
            Assert.Equal(expected, ContentHash.Sha256(new MemoryStream(bytes)));
        }
    }

    [Fact]
    public void The_names_tried_are_the_runtime_s_in_its_order_its_override_first_where_set()
    {
        string[] known = ["libssl.so.3", "libssl.so.1.1", "libssl.so.1.0.2", "libssl.so.1.0.0", "libssl.so.10"];
        Assert.Equal(known, SystemOpenSsl.Names(null));
        Assert.Equal(known, SystemOpenSsl.Names(""));
        Assert.Equal(["libssl.so.1.1", .. known], SystemOpenSsl.Names("1.1"));
    }

    [Fact]
    public void A_load_refused_by_the_open_file_limit_is_the_limit_s_error_naming_the_library()
    {
        var tried = new List<string>();
        var failure = Assert.Throws<IOException>(() => SystemOpenSsl.LoadFirst(s_names, name =>
        {
            tried.Add(name);
            return (false, $"Unable to load shared library '{name}' or one of its dependencies: {name}: cannot open shared object file: Too many open files");
        }, Use));

        Assert.True(LocalEntry.OutOfFiles(failure), failure.Message);
        Assert.False(LocalEntry.IsEntryFailure(failure));
        Assert.Contains("libssl.so.3", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith(Use, failure.Message, StringComparison.Ordinal);
        Assert.Equal(["libssl.so.3"], tried);
    }

    [Fact]
    public void Names_not_on_the_system_are_passed_over_in_the_runtime_s_order_until_one_loads()
    {
        // Every position of the first name that loads, and none.
        for (var loads = 0; loads <= s_names.Length; loads++)
        {
            var tried = new List<string>();
            var loaded = SystemOpenSsl.LoadFirst(s_names, name =>
            {
                tried.Add(name);
                return tried.Count - 1 == loads ? (true, null) : (false, NotHere);
            }, Use);

            Assert.Equal(loads < s_names.Length, loaded);
            Assert.Equal(s_names.Take(Math.Min(loads + 1, s_names.Length)), tried);
        }
    }

    [Fact]
    public void The_limit_met_after_names_not_on_the_system_is_still_the_limit()
    {
        var failure = Assert.Throws<IOException>(() => SystemOpenSsl.LoadFirst(s_names, name =>
            name == "libssl.so.1.1" ? (false, $"{name}: cannot open shared object file: Too many open files") : (false, NotHere), Use));

        Assert.Contains("libssl.so.1.1", failure.Message, StringComparison.Ordinal);
    }
}
