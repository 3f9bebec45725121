using System.Text.Json;
using System.Text.Json.Serialization;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Spotify;

namespace SpotifyEtl.Cli.Spotify;

/// <summary>
/// Spotify credentials for local runs: a JSON file shaped like the AWS secret
/// (<c>{"client_id":"…","client_secret":"…","refresh_token":"…","authorized_at":"…"}</c>, the last two written by
/// <c>auth login</c>), owner-readable only and kept outside any git
/// repository: the one named by --credentials, else the one in the config folder. No secret is read from an environment
/// variable, which every program the shell starts inherits and an <c>export</c> line leaves in the shell's history.
/// </summary>
internal static partial class CredentialsFile
{
    /// <summary>Variables a user may have set for another tool, or an earlier version of this one: named when the credentials file is missing.</summary>
    private static readonly string[] RetiredVariables = ["SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REFRESH_TOKEN"];

    /// <summary>
    /// The credentials of the --credentials file, or without one of the config folder's; the file's path with them, and what is
    /// wrong with its <c>authorized_at</c> when that is no time (<see cref="RefreshTokenExpiry.Parse"/>).
    /// </summary>
    public static (SpotifyCredentials Credentials, string Path, string? AuthorizedAtProblem) Resolve(string? path, string defaultPath, Func<string, string?> getVariable)
    {
        var file = path ?? defaultPath;
        // Whichever file is missing, the --credentials one or the config folder's: a user moving from the variables passes either.
        if (!File.Exists(file) && !Directory.Exists(file) && IgnoredVariables(getVariable) is [_, ..] set)
        {
            throw new CliException(ExitCodes.NoInput,
                $"{string.Join(", ", set)} {(set.Count == 1 ? "is" : "are")} set, but spotify-etl reads no credentials from environment variables: every program " +
                $"started from the shell inherits them, and an export line stays in its history. Write them into {file} " +
                "({\"client_id\":\"…\",\"client_secret\":\"…\",\"refresh_token\":\"…\"}, owner-readable only: chmod 600)" +
                (path is null ? ", or a file named by --credentials" : "") +
                $" ('spotify-etl auth login{(path is null ? "" : $" --credentials {ShellWord.Of(path)}")}' adds the refresh token), then unset {string.Join(" ", set)}.");
        }
        var (credentials, problem) = Read(file, path is null ? "spotify-etl auth login" : $"spotify-etl auth login --credentials {ShellWord.Of(path)}");
        credentials.Validate(file);
        return (credentials, file, problem);
    }

    /// <summary>The variables an earlier version read credentials from that are set, and ignored.</summary>
    public static IReadOnlyList<string> IgnoredVariables(Func<string, string?> getVariable) =>
        [.. RetiredVariables.Where(name => !string.IsNullOrEmpty(getVariable(name)))];

    public static SpotifyCredentials Load(string path) => Read(path, login: null).Credentials;

    /// <param name="login">The login command that adds the refresh token to this file, named in the message when there is no file; null for the default.</param>
    private static (SpotifyCredentials Credentials, string? AuthorizedAtProblem) Read(string path, string? login)
    {
        RefuseInsideRepository(path);
        // A folder (or a link to one) is the folder meant to hold the file: "put the credentials file there" would say to replace it.
        if (Directory.Exists(path))
        {
            throw new CliException(ExitCodes.DataError, $"{path} is a folder, not a credentials file: name the file itself, such as --credentials {ShellWord.Of(Path.Combine(path, "credentials.json"))}.");
        }
        // A FIFO would hold the read until a writer came, a dangling link would be reported as a disk problem.
        if (SpotifyEtl.Storage.LocalEntry.NotARegularFile(path) is { } problem)
        {
            throw new CliException(ExitCodes.DataError, $"{path} cannot be read as a credentials file: {problem}. Put the credentials file there ({{\"client_id\":\"…\",\"client_secret\":\"…\"}}, owner-readable only), or name another with --credentials.");
        }
        if (!File.Exists(path))
        {
            // A folder of its own is made owner-only; one that exists (the current folder, /tmp, a home) is left as it is.
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            var makeFolder = Directory.Exists(folder) ? "" : $"'mkdir -p {ShellWord.Of(folder)} && chmod 700 {ShellWord.Of(folder)}', ";
            throw new CliException(ExitCodes.NoInput, $"No credentials file at {path}. Create it owner-only with your app's {{\"client_id\":\"…\",\"client_secret\":\"…\"}} " +
                $"from its page on https://developer.spotify.com/dashboard, in an editor (not on a command line, which the shell's history keeps): " +
                $"{makeFolder}write the file, then 'chmod 600 {ShellWord.Of(path)}'. '{login ?? $"spotify-etl auth login --credentials {ShellWord.Of(path)}"}' then adds the refresh token.");
        }
        try
        {
            var content = JsonSerializer.Deserialize(ReadJson(path), CliJsonContext.Default.CredentialsFileContent);
            var authorizedAt = RefreshTokenExpiry.Read(content?.AuthorizedAt, DateTimeOffset.UtcNow, out var authorizedAtProblem);
            var credentials = new SpotifyCredentials(content?.ClientId ?? "", content?.ClientSecret ?? "", content?.RefreshToken, authorizedAt);
            return (credentials, authorizedAtProblem ?? RefreshTokenExpiry.Unknown(credentials));
        }
        catch (JsonException exception)
        {
            throw new CliException(ExitCodes.DataError, $"{path} cannot be read: {JsonErrorText.Of(exception)}. It must be JSON of the form {{\"client_id\":\"…\",\"client_secret\":\"…\",\"refresh_token\":\"…\",\"authorized_at\":\"…\"}} ('spotify-etl auth login' writes the last two).");
        }
    }

    /// <summary>Writes the credentials readable by the owner only.</summary>
    public static void Save(string path, SpotifyCredentials credentials)
    {
        RefuseInsideRepository(path);
        // A file that is a symbolic link (dotfiles kept by links) is written where it points, and stays a link.
        path = LinkedFile(path) ?? path;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            // A folder made for it is the owner's alone, as ~/.ssh is; one that exists is left as it is.
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        // A rotated token keeps the time of its authorization, as the file has it even when no run could read it.
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new CredentialsFileContent(credentials.ClientId, credentials.ClientSecret, credentials.RefreshToken,
            credentials.AuthorizedAt is { } authorizedAt ? RefreshTokenExpiry.ToJson(authorizedAt) : AuthorizedAtIn(path)),
            CliJsonContext.Default.CredentialsFileContent);
        // A name of this save's own: two runs that share the file (extracts into two lakes, each rotating the token) each
        // write their whole file and the last move wins, where one shared name had each delete or move the other's.
        // Its writer is named by process id and start (LocalFolderStore.TemporaryName), so that a leftover is known for one
        // whichever process has the id by now.
        var temporary = $"{path}.{SpotifyEtl.Storage.LocalFolderStore.TemporaryName()}";
        RemoveLeftovers(path);
        // Created owner-only, never readable by others for an instant, whatever the umask.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using (var file = new FileStream(temporary, options))
            {
                file.Write(bytes);
                // On disk before the move: after a power cut the file is the old one or the new one, never empty. It may
                // hold the only copy of a rotated refresh token.
                SpotifyEtl.Storage.DurableFile.FlushBeforeMove(file, path);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// The file's bytes, without the byte order mark a Windows editor or PowerShell's <c>-Encoding UTF8</c> writes first
    /// (the JSON reader refuses it as "'0xEF' is an invalid start of a value").
    /// </summary>
    private static byte[] ReadJson(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;
    }

    /// <summary>The <c>authorized_at</c> of the file already at the path, as it is written; none when it has none or cannot be read.</summary>
    private static JsonElement? AuthorizedAtIn(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(ReadJson(path), CliJsonContext.Default.CredentialsFileContent)?.AuthorizedAt : null;
        }
        catch (Exception exception) when (exception is JsonException || SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
        {
            return null;
        }
    }

    /// <summary>
    /// Deletes the temporary files of saves whose process ended before it moved its file into place (killed, or the machine
    /// stopped): each holds a refresh token. Those of running processes are theirs to move.
    /// </summary>
    private static void RemoveLeftovers(string path)
    {
        var name = Path.GetFileName(path);
        foreach (var leftover in Directory.EnumerateFiles(Path.GetDirectoryName(Path.GetFullPath(path))!, name + ".*.tmp"))
        {
            var rest = Path.GetFileName(leftover)[(name.Length + 1)..];
            var parts = rest.Split('.');
            // An earlier version's name, {pid}.{guid}.tmp, gives the process id alone.
            var ended = SpotifyEtl.Storage.LocalFolderStore.IsTemporaryName(rest)
                ? !SpotifyEtl.Storage.LocalFolderStore.TemporaryWriterRuns(rest)
                : parts.Length == 3 && int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var process)
                    && (process == Environment.ProcessId || !SpotifyEtl.Storage.LocalFolderStore.ProcessRuns(process)); // this process names none so
            if (ended)
            {
                File.Delete(leftover);
            }
        }
    }

    /// <summary>A credentials file inside a git work tree is one `git add .` away from being published.</summary>
    private static void RefuseInsideRepository(string path)
    {
        if (RepositoryAround(path) is { } repository)
        {
            throw new SpotifyConfigurationException(
                $"{path} is inside the git repository at {repository}. Keep Spotify credentials outside any repository: name a file elsewhere with " +
                "--credentials FILE, or set XDG_CONFIG_HOME to a folder outside it (the default file is credentials.json in its spotify-etl folder).");
        }
    }

    /// <summary>
    /// The git work tree a file at <paramref name="path"/> would be in, where no credentials file is written; null when none.
    /// The folders above it are looked at both as written and as the file system resolves them: a symbolic link anywhere on
    /// the way (a folder linked into a dotfiles repository), or the file itself a link into one, puts the file where the link
    /// points.
    /// </summary>
    private static string? RepositoryAround(string path)
    {
        var full = Path.GetFullPath(path);
        var written = Path.GetDirectoryName(full)!;
        // The file's own path resolved follows it too, where it is a link: its folder is where the file really is.
        return RepositoryAbove(written) ?? RepositoryAbove(RealPath.Of(written)) ?? RepositoryAbove(Path.GetDirectoryName(RealPath.Of(full))!);
    }

    /// <summary>Where a file that is a symbolic link finally points; null when it is no link (or its links go round).</summary>
    private static string? LinkedFile(string file)
    {
        try
        {
            var link = new FileInfo(file);
            return link.LinkTarget is null ? null : link.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? RepositoryAbove(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (Directory.Exists(Path.Combine(folder.FullName, ".git")) || File.Exists(Path.Combine(folder.FullName, ".git")))
            {
                return folder.FullName;
            }
        }
        return null;
    }
}

internal sealed record CredentialsFileContent(
    [property: JsonPropertyName(StackContract.Secret.ClientId)] string? ClientId,
    [property: JsonPropertyName(StackContract.Secret.ClientSecret)] string? ClientSecret,
    [property: JsonPropertyName(StackContract.Secret.RefreshToken)] string? RefreshToken,
    [property: JsonPropertyName(StackContract.Secret.AuthorizedAt)] JsonElement? AuthorizedAt)
{
    /// <summary>Never the secrets: a record's own ToString would print them into whatever logs the object.</summary>
    public override string ToString() =>
        $"CredentialsFileContent {{ ClientId = {ClientId}, ClientSecret = {(ClientSecret is null ? "none" : "***")}, RefreshToken = {(RefreshToken is null ? "none" : "***")} }}";
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CredentialsFileContent))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
