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

    /// <summary>
    /// A table file of gigabytes with no line break where one is due (a disk image or a dump saved over it): the verbs
    /// refuse it after reading no more than its header or one line's worth, as for any damaged file (exit 65), not
    /// after reading it whole into memory, which fails past 2 GB. The files are sparse: they take no disk.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_table_file_of_gigabytes_without_a_line_break_is_refused_as_damaged(int seed)
    {
        var random = new Random(seed);
        var lake = CsvLake();
        var file = TableFile(lake, random);
        var lines = File.ReadAllLines(file);
        // Unbroken from the start (the header), or after the header and some of the rows.
        var kept = random.Next(2) == 0 ? 0 : random.Next(1, lines.Length + 1);
        File.WriteAllText(file, string.Concat(lines.Take(kept).Select(line => line + "\n")) + "x");
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength((2L << 30) + random.NextInt64(1L << 31));
        }

        var run = Run(lake, Verbs[seed % Verbs.Length]);

        Assert.True(run.ExitCode == 65, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains(Path.GetFileName(file), run.Errors, StringComparison.Ordinal);
        Assert.Contains(kept == 0 ? "header '" : $"line {kept + 1} runs past", run.Errors, StringComparison.Ordinal);
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
    private string CsvLake() => LakeDatabaseTests.CopyOfFixtureLake(_folder["lake"]);
}
