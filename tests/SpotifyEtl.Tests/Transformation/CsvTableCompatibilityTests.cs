using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using CsvHelper.TypeConversion;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// CsvTable maps rows to fields itself (once per row type) instead of CsvHelper's per-writer record
/// mapping: the files must stay exactly what CsvHelper's WriteRecord and GetRecords make of them.
/// </summary>
public sealed class CsvTableCompatibilityTests
{
    private static readonly string[] Texts =
    [
        "plain", "", "Bzrp Music Sessions, Vol. 53", "She said \"hi\"", " leading space", "trailing space ",
        "夜のドライブ", "Beyoncé", "🎵 emoji", "semi;colon", "a,\"b\",c", "'single'", "tab\there",
    ];

    [Fact]
    public void Songs_are_written_byte_for_byte_as_CsvHelper_writes_records()
    {
        var rows = Texts.Select((text, i) => new SongRow($"id{i}", text, i % 3 == 0 ? null : i * 1000, i % 4 == 0 ? null : i % 2 == 0,
            i % 5 == 0 ? null : text, i % 2 == 0 ? null : -i, i, 1, text.Length == 0 ? null : "album," + text, null, "https://open.spotify.com/track/" + i)).ToList();

        AssertSameAsCsvHelper(rows);
    }

    [Fact]
    public void Every_table_is_written_and_read_back_as_CsvHelper_does()
    {
        AssertSameAsCsvHelper(Texts.Select((t, i) => new AlbumRow($"al{i}", t, "single", "2004-01-01", i % 2 == 0 ? "year" : null, i % 2 == 0 ? 2004 : null, i, t)).ToList());
        AssertSameAsCsvHelper(Texts.Select((t, i) => new ArtistRow($"ar{i}", t, null)).ToList());
        AssertSameAsCsvHelper(Texts.Select((t, i) => new SongArtistRow($"s{i}", t + "x", i + 1)).ToList());
        AssertSameAsCsvHelper(Texts.Select((t, i) => new PlaylistEntryRow("p", t, i % 2 == 0 ? null : "snap", i + 1, $"s{i}", "2026-11-20T06:00:00Z", null)).ToList());
        AssertSameAsCsvHelper(Texts.Select((t, i) => new PlayRow($"2026-11-20T06:00:{i:00}.123Z", $"s{i}", i % 2 == 0 ? null : "playlist", t)).ToList());
        AssertSameAsCsvHelper(Texts.Select((t, i) => new PlaylistVersionRow($"p{i}", t, "snap", null)).ToList());
        AssertSameAsCsvHelper(new List<SongRow>());
    }

    [Fact]
    public void Writing_many_small_tables_costs_microseconds_not_milliseconds_each()
    {
        var row = new[] { new SongRow("a", "b", 1, true, "i", 1, 1, 1, "al", "ar", "u") };
        CsvTable.ToBytes(row);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 1_000; i++)
        {
            Assert.Equal(row[0], CsvTable.Read<SongRow>(new MemoryStream(CsvTable.ToBytes(row))).Single());
        }
        // CsvHelper's per-writer mapping took about 5 ms per file here (5 s for these 1,000); generous
        // bound for a loaded 2-core machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"1,000 one-row tables took {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    private static void AssertSameAsCsvHelper<T>(List<T> rows)
    {
        var expected = ReferenceWrite(rows);
        var actual = CsvTable.ToBytes(rows);
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
        Assert.Equal(ReferenceRead<T>(expected), CsvTable.Read<T>(new MemoryStream(actual)).ToList());
    }

    // The CsvHelper record mapping CsvTable used before, kept here as the reference.
    private static readonly CsvConfiguration Reference = new(CultureInfo.InvariantCulture)
    {
        NewLine = "\n",
        HasHeaderRecord = true,
        PrepareHeaderForMatch = args => args.Header.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant(),
    };

    private static byte[] ReferenceWrite<T>(List<T> rows)
    {
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, new UTF8Encoding(false), 1024, leaveOpen: true))
        using (var csv = new CsvWriter(writer, Reference))
        {
            csv.Context.TypeConverterCache.AddConverter<bool>(new LowercaseBooleanConverter());
            csv.WriteHeader<T>();
            csv.NextRecord();
            foreach (var row in rows)
            {
                csv.WriteRecord(row);
                csv.NextRecord();
            }
        }
        return buffer.ToArray();
    }

    private static List<T> ReferenceRead<T>(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false));
        using var csv = new CsvReader(reader, Reference);
        return csv.GetRecords<T>().ToList();
    }

    private sealed class LowercaseBooleanConverter : BooleanConverter
    {
        public override string? ConvertToString(object? value, IWriterRow row, MemberMapData memberMapData) =>
            value is bool flag ? (flag ? "true" : "false") : base.ConvertToString(value, row, memberMapData);
    }
}
