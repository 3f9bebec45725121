using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Commands;

internal static partial class TransformCommand
{
    /// <summary>Every entry under the lake's raw/, listed before the lake is opened; a raw/ out of this user's sight is said (exit 74).</summary>
    private static async Task<List<string>> RawKeysAsync(DirectoryInfo lakeFolder, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        try
        {
            await foreach (var key in new LocalFolderStore(lakeFolder.FullName).ListAsync(LakeLayout.Raw, cancellationToken).ConfigureAwait(false))
            {
                keys.Add(key);
            }
        }
        catch (UnlistableFolderException blocked)
        {
            // Not "no raw objects": they may all be there, out of this user's sight.
            LocalLake.MustHoldALake(lakeFolder.FullName);
            throw new CliException(ExitCodes.IoError, $"{blocked.Path} is a folder this user cannot list (permission denied, or an error reading it), so its raw objects " +
                "cannot be read. Run as the user who owns the lake, or give this one read and search permission on it and the folders below it (chmod, as their owner).");
        }
        return keys;
    }
}
