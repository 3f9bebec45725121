using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SpotifyEtl.Import;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// A zip whose end record reads but whose central directory (the list of its files) is damaged: the zip alone is an
/// unusable candidate with its reason, never an error that ends the import of every other file given with it.
/// </summary>
public sealed class DamagedZipDirectoryTests
{
    private static byte[] Zip(int files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < files; i++)
            {
                using var stream = zip.CreateEntry($"Spotify Extended Streaming History/Streaming_History_Audio_2024_{i}.json").Open();
                stream.Write(Encoding.UTF8.GetBytes($$"""[{"ts": "2024-01-0{{1 + i % 9}}T10:00:00Z", "ms_played": 1000}]"""));
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Where the end record starts, and the central directory it points at.</summary>
    private static (int End, int Directory) Layout(byte[] zip)
    {
        var end = zip.AsSpan().LastIndexOf("PK\u0005\u0006"u8);
        Assert.True(end > 0);
        return (end, (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16)));
    }

    /// <summary>Damages of the directory that .NET finds only when the entries are listed, over zips of 1 to 5 files.</summary>
    public static TheoryData<string, int> Damages()
    {
        var data = new TheoryData<string, int>();
        foreach (var damage in new[] { "a directory header's signature", "more entries counted than listed", "fewer entries counted than listed", "the directory's offset" })
        {
            for (var files = 1; files <= 5; files++)
            {
                data.Add(damage, files);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_zip_whose_directory_is_damaged_is_one_unusable_candidate_with_its_reason(string damage, int files)
    {
        var zip = Zip(files);
        var (end, directory) = Layout(zip);
        var random = new Random(files);
        switch (damage)
        {
            case "a directory header's signature":
                var headers = Enumerable.Range(directory, end - directory).Where(at => zip.AsSpan(at).StartsWith("PK\u0001\u0002"u8)).ToList();
                zip[headers[random.Next(headers.Count)] + 2] = (byte)'X';
                break;
            case "more entries counted than listed":
                BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(end + 8), (ushort)(files + 1));
                BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(end + 10), (ushort)(files + 1));
                break;
            case "fewer entries counted than listed" when files > 1:
                BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(end + 8), (ushort)(files - 1));
                BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(end + 10), (ushort)(files - 1));
                break;
            case "fewer entries counted than listed":
                zip[directory + 1] = (byte)'Q';
                break;
            default:
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(end + 16), (uint)(directory - 1 - random.Next(Math.Min(directory - 1, 40))));
                break;
        }

        var candidates = ExportArchive.Entries("my_spotify_data.zip", new MemoryStream(zip), ImportLimits.Default);

        var candidate = Assert.Single(candidates);
        Assert.Equal("my_spotify_data.zip", candidate.Name);
        Assert.StartsWith(ExportArchive.NotAZip, candidate.Problem, StringComparison.Ordinal);
    }
}
