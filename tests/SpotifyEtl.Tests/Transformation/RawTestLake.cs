using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>A local lake in a temporary folder, and a way to land hand-written raw responses in it.</summary>
public abstract class RawTestLake : IDisposable
{
    protected static readonly DateOnly Day = new(2026, 11, 20);
    protected static readonly string AlbumA = Album("alb1", "Album", "2020-01-01", "day");
    protected static readonly string ArtistA = Artist("art1", "Artist");

    protected RawTestLake() => Lake = new LocalFolderStore(Folder.Path);

    protected TempFolder Folder { get; } = new();
    protected LocalFolderStore Lake { get; }

    protected async Task<string> LandAsync(RawSource source, string subject, string json, string run = "20261120T060000Z", int page = 1, DateOnly? day = null)
    {
        var key = new RawObjectKey(source, day ?? Day, subject, run, page).ToString();
        await Lake.PutTextAsync(key, json, "application/json");
        return key;
    }

    public void Dispose()
    {
        Folder.Dispose();
        GC.SuppressFinalize(this);
    }
}
