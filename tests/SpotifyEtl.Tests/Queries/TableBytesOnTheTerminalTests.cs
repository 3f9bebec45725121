using System.Text;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// A CSV table file whose bytes are garbage where the error quotes them (its header, a value of a number column):
/// the verbs that read the tables name the file and refuse it (exit 65), and what they quote of it reaches the terminal
/// with no control character or escape sequence, no mark that turns text around, and cut short. The garbage is
/// generated, with escape sequences, C1 controls and direction marks mixed in at random places.
/// </summary>
public sealed class TableBytesOnTheTerminalTests : IDisposable
{
    private static readonly string[] Verbs = ["query", "report"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_binary_header_is_refused_and_shown_safe_and_short(int seed)
    {
        var random = new Random(seed);
        var lake = CsvLake();
        var file = TableFile(lake, random);
        var bytes = File.ReadAllBytes(file);
        var garbage = Garbage(random, random.Next(1, 4000)).Where(b => b != (byte)'\n').ToArray();
        File.WriteAllBytes(file, [.. garbage, .. bytes[Array.IndexOf(bytes, (byte)'\n')..]]);

        var run = Run(lake, Verbs[seed % Verbs.Length]);

        Assert.True(run.ExitCode == 65, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("header '", run.Errors, StringComparison.Ordinal);
        AssertSafe(run.Errors);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_value_of_control_characters_in_a_number_column_is_shown_safe_and_short(int seed)
    {
        var random = new Random(seed);
        var lake = CsvLake();
        var file = Path.Combine(lake, "transformed", "songs_current", "songs_current.csv");
        var lines = File.ReadAllLines(file);
        var fields = lines[1].Split(',');
        Assert.Equal("duration_ms", lines[0].Split(',')[2]);
        // Text that is UTF-8 (the check refuses other bytes before any value), quotes and commas left out so that the
        // value stays one value.
        fields[2] = new string(Encoding.UTF8.GetString(Garbage(random, random.Next(1, 300))).Where(c => c is not (',' or '"' or '\r' or '\n')).ToArray());
        lines[1] = string.Join(',', fields);
        File.WriteAllLines(file, lines);

        var run = Run(lake, "query");

        Assert.True(run.ExitCode == 65, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("duration_ms holds '", run.Errors, StringComparison.Ordinal);
        AssertSafe(run.Errors);
    }

    /// <summary>Random bytes with what acts on a terminal mixed in: CSI and OSC escape sequences, a C1 CSI, a right-to-left override.</summary>
    private static byte[] Garbage(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        var result = new List<byte>(bytes);
        byte[][] hostile = ["\u001b[2J\u001b[31m"u8.ToArray(), "\u001b]0;owned\u0007"u8.ToArray(), "\u009b1;1H"u8.ToArray(), "\u202e"u8.ToArray(), "\r\b\t\0"u8.ToArray()];
        for (var i = 0; i < 1 + random.Next(8); i++)
        {
            result.InsertRange(random.Next(result.Count + 1), hostile[random.Next(hostile.Length)]);
        }
        return [.. result];
    }

    private static void AssertSafe(string errors)
    {
        foreach (var line in errors.Split('\n'))
        {
            Assert.True(line.Length <= 2000, $"a line of {line.Length} characters: {line[..Math.Min(line.Length, 200)]}...");
            var unsafeAt = line.IndexOfAny([.. Enumerable.Range(0, 0xA0).Select(i => (char)i).Where(char.IsControl), '\u2028', '\u2029', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']);
            Assert.True(unsafeAt < 0, $"U+{(unsafeAt < 0 ? 0 : line[unsafeAt]):X4} at {unsafeAt} of: {line}");
        }
    }

    private (int ExitCode, string Output, string Errors) Run(string lake, string verb) =>
        verb == "report" ? DemoCommandTests.RunCli(verb, "--lake", lake, "--out", _folder["report.html"]) : DemoCommandTests.RunCli(verb, "--lake", lake);

    /// <summary>One of the daily tables' files, picked by <paramref name="random"/>.</summary>
    private static string TableFile(string lake, Random random)
    {
        var files = Directory.EnumerateFiles(Path.Combine(lake, "transformed"), "*.csv", SearchOption.AllDirectories)
            .Where(file => file.Contains("snapshot_date=", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        return files[random.Next(files.Count)];
    }

    /// <summary>A copy of the fixture's CSV lake.</summary>
    private string CsvLake()
    {
        var lake = _folder["lake"];
        foreach (var file in Directory.EnumerateFiles(LakeDatabaseTests.FixtureLake, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(lake, Path.GetRelativePath(LakeDatabaseTests.FixtureLake, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return lake;
    }
}
