using System.IO.Compression;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The demo's sample export zips reach <c>import/</c> as every file of the lake does: written to a temporary file and
/// moved into place once whole. An entry already at a zip's name (a link to a file outside the lake, a hard link one)
/// is replaced, never written through: the file it shares or names keeps its bytes, and no temporary file is left.
/// </summary>
public sealed class SampleExportWriterTests : IDisposable
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
    public async Task The_zips_replace_what_is_at_their_names_and_never_write_through_it(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 1 + random.Next(3), Items: 3 + random.Next(20), Seed: seed));
        var names = SampleExport.Write(new SampleExportOptions(Seed: seed)).Zips.Select(zip => zip.Name).ToList();
        var outside = new Dictionary<string, byte[]>();
        foreach (var name in names.Where(_ => random.Next(3) > 0).DefaultIfEmpty(names[0]))
        {
            var target = _folder[$"elsewhere/{name}"];
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var bytes = new byte[random.Next(1, 5000)];
            random.NextBytes(bytes);
            File.WriteAllBytes(target, bytes);
            outside[target] = bytes;
            var inLake = Path.Combine(lake, "import", name);
            Directory.CreateDirectory(Path.GetDirectoryName(inLake)!);
            if (random.Next(2) == 0)
            {
                File.CreateSymbolicLink(inLake, target);
            }
            else
            {
                HardLink(target, inLake);
            }
        }

        var written = await SampleExportWriter.WriteAsync(new DirectoryInfo(lake), seed, _ => { }, CancellationToken.None);

        Assert.Equal(names.Select(name => Path.Combine(lake, "import", name)), written.Select(file => file.FullName));
        foreach (var (target, bytes) in outside)
        {
            Assert.Equal(bytes, File.ReadAllBytes(target));
        }
        foreach (var file in written)
        {
            Assert.Null(new FileInfo(file.FullName).LinkTarget);
            using var zip = ZipFile.OpenRead(file.FullName);
            Assert.NotEmpty(zip.Entries);
        }
        Assert.Empty(Directory.EnumerateFiles(lake, "*.tmp", SearchOption.AllDirectories));
    }

    private static void HardLink(string existing, string link)
    {
        using var ln = System.Diagnostics.Process.Start("ln", [existing, link]);
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
    }
}
