using SpotifyEtl.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

public sealed class LocalFolderStoreDeleteTests
{
    [Fact]
    public async Task Deleting_a_key_whose_folder_does_not_exist_is_not_an_error_as_on_S3()
    {
        var root = Path.Combine(Path.GetTempPath(), "spotify-etl-delete-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new LocalFolderStore(root);

            await store.DeleteAsync("nowhere/at/all.csv");

            Assert.False(await store.ExistsAsync("nowhere/at/all.csv"));
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
