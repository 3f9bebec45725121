using SpotifyEtl.Cli.Shell;

namespace SpotifyEtl.Cli.Spotify;

// What is said of a credentials file before it is used: who else may read it, and whether a login can save into it.
internal static partial class CredentialsFile
{
    /// <summary>
    /// What to do about a credentials file other users of the machine may read (an editor's usual mode, 0644); null when
    /// only its owner may. A save (a login, a rotated token) writes it owner-only again.
    /// </summary>
    public static string? Exposure(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return null;
        }
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        return (mode & Others) == 0 ? null
            : $"{path} holds the client secret and may be read by other users of this machine (mode {Convert.ToString((int)mode, 8)}): make it owner-only with 'chmod 600 {ShellWord.Of(path)}'.";
    }

    /// <summary>
    /// Refuses, before a login asks the browser for consent, a credentials file <see cref="Save"/> could not replace (mounted on its
    /// own, or its folder on a read-only mount, such as a container's secret, or one this user may not write): the refresh token Spotify gives is
    /// never shown, so a save that fails after the consent loses it, and the login must be done again.
    /// </summary>
    public static void CheckWritable(string path)
    {
        // The file exists (it was read), so its folder does.
        var target = Path.GetFullPath(LinkedFile(path) ?? path);
        var copyIt = $"log in with a copy of it in a folder you can write ('cp {ShellWord.Of(path)} ~/spotify-credentials.json', then --credentials ~/spotify-credentials.json).";
        // A file mounted on its own (a container's file volume) cannot be replaced by a rename, writable folder or not.
        if (MountPoints().Contains(target))
        {
            throw new CliException(ExitCodes.IoError, $"{path} is mounted on its own (a container's file volume, say), and a login replaces the file, " +
                $"which a mount does not allow; the refresh token it saves is never shown: {copyIt}");
        }
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.DeleteOnClose };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            new FileStream($"{target}.{SpotifyEtl.Storage.LocalFolderStore.TemporaryName()}", options).Dispose();
        }
        // This process's open-file limit is no fault of the folder's: it goes on to be told as what it is.
        catch (Exception exception) when (SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
        {
            var why = exception is UnauthorizedAccessException ? "this user may not write there"
                : exception.Message.Contains("Read-only file system", StringComparison.Ordinal) ? "it is on a read-only file system"
                : exception.Message.TrimEnd('.');
            throw new CliException(ExitCodes.IoError, $"{path} cannot be written to ({why}), and a login saves the refresh token into it, which it never shows: {copyIt}");
        }
    }

    /// <summary>The paths this process sees mounted (Linux's <c>/proc/self/mountinfo</c>, its fifth field, octal escapes read); none elsewhere.</summary>
    private static HashSet<string> MountPoints()
    {
        var points = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                if (line.Split(' ') is { Length: > 4 } fields)
                {
                    points.Add(System.Text.RegularExpressions.Regex.Replace(fields[4], @"\\[0-7]{3}",
                        escape => ((char)Convert.ToInt32(escape.Value[1..], 8)).ToString()));
                }
            }
        }
        catch (Exception exception) when (SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
        {
            // No mount table to read (not Linux): the save's own error names the file.
        }
        return points;
    }
}
