using System.Security.Cryptography;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The tool under the machine's own locale: .NET container images set DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=false,
/// which turns the locale back on whatever the build says. A lake, and what the tool prints, are the same everywhere.
/// </summary>
public sealed class MachineLocaleTests : IClassFixture<MachineLocaleTests.PlainDemo>, IDisposable
{
    private const string Days = "2";
    private const string Items = "25";

    private readonly TempFolder _folder = new();
    private readonly PlainDemo _plain;

    public MachineLocaleTests(PlainDemo plain) => _plain = plain;

    public void Dispose() => _folder.Dispose();

    /// <summary>The demo under no locale, run once for every locale to be compared with.</summary>
    public sealed class PlainDemo : IDisposable
    {
        private readonly TempFolder _folder = new();

        public PlainDemo()
        {
            Lake = _folder["plain"];
            Run = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(3), "demo", "--lake", Lake, "--days", Days, "--items", Items);
        }

        public string Lake { get; }

        public (int ExitCode, string Output, string Errors) Run { get; }

        public void Dispose() => _folder.Dispose();
    }

    [Theory]
    // Calendars other than the Gregorian (Thai Buddhist, Hijri, Persian), and separators other than the invariant's.
    [InlineData("th_TH.UTF-8")]
    [InlineData("ar_SA.UTF-8")]
    [InlineData("fa_IR.UTF-8")]
    [InlineData("de_DE.UTF-8")]
    public void The_demo_under_a_machine_locale_writes_the_same_lake_and_prints_the_same_as_under_none(string locale)
    {
        var (plain, expected) = (_plain.Lake, _plain.Run);
        var local = _folder["local"];
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "false",
            ["LANG"] = locale,
            ["LC_ALL"] = locale,
        };

        var run = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(3), environment, "demo", "--lake", local, "--days", Days, "--items", Items);

        Assert.True(expected.ExitCode == 0, expected.Errors);
        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.Equal(expected.Output.Replace(plain, "<lake>", StringComparison.Ordinal), run.Output.Replace(local, "<lake>", StringComparison.Ordinal));
        Assert.Equal(Files(plain), Files(local));
    }

    /// <summary>
    /// Every file of the lake but the scratch folder and the report (which names the lake's path), with a hash of its bytes;
    /// the mark of the first search for days without a digest (the time it began) by name alone.
    /// </summary>
    private static List<string> Files(string lake) =>
        Directory.EnumerateFiles(lake, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(lake, file))
            .Where(name => !name.StartsWith(".tmp", StringComparison.Ordinal) && name != "report.html")
            .Order(StringComparer.Ordinal)
            .Select(name => name == CurrentLayout.Searched ? name
                : $"{name} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(lake, name))))}")
            .ToList();
}
