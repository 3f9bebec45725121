using System.CommandLine;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Spotify;

namespace SpotifyEtl.Cli.Spotify;

/// <summary>The options that name sources, shared by `extract` (what to extract) and `auth login` (which scopes to ask for).</summary>
internal sealed class SourceOptions
{
    public Option<string[]> Playlists { get; } = new("--playlist")
    {
        Description = "A playlist id (or share link) you own or collaborate on; repeat for several.",
        HelpName = "ID",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<bool> MyPlaylists { get; } = new("--my-playlists")
    {
        Description = "Every playlist you own, found each run (a new one is read from its first day); name another's you collaborate on with --playlist.",
    };

    public Option<bool> RecentlyPlayed { get; } = new("--recently-played") { Description = "Your recently played tracks (each run goes on from the last play the one before it saw)." };

    public Option<string[]> TopTracks { get; } = new("--top-tracks")
    {
        Description = "Your top tracks for a time range: short_term (~4 weeks), medium_term (~6 months) or long_term (~1 year); repeatable.",
        HelpName = "RANGE",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> TopArtists { get; } = new("--top-artists")
    {
        Description = "Your top artists for a time range: short_term (~4 weeks), medium_term (~6 months) or long_term (~1 year); repeatable.",
        HelpName = "RANGE",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<bool> SavedTracks { get; } = new("--saved-tracks") { Description = "Your saved (liked) tracks: new saves since the last run, and every few days a full pass that finds removals." };

    public Option<FileInfo?> Config { get; } = new("--config")
    {
        Description = "A JSON file with more sources, in the SPOTIFY_SOURCES format: [{\"type\":\"playlist\",\"id\":\"…\"},{\"type\":\"recently_played\"}].",
        HelpName = "FILE",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Playlists);
        command.Options.Add(MyPlaylists);
        command.Options.Add(RecentlyPlayed);
        command.Options.Add(TopTracks);
        command.Options.Add(TopArtists);
        command.Options.Add(SavedTracks);
        command.Options.Add(Config);
    }

    /// <summary>
    /// The source options as they were given, as words of a command to run again (each value one shell word): a login
    /// that must be run again asks for the same scopes, not for every source's.
    /// </summary>
    public string Words(ParseResult parsed)
    {
        var words = new System.Text.StringBuilder();
        foreach (var playlist in parsed.GetValue(Playlists) ?? [])
        {
            words.Append(" --playlist ").Append(ShellWord.Of(playlist));
        }
        words.Append(parsed.GetValue(MyPlaylists) ? " --my-playlists" : "").Append(parsed.GetValue(RecentlyPlayed) ? " --recently-played" : "");
        foreach (var range in parsed.GetValue(TopTracks) ?? [])
        {
            words.Append(" --top-tracks ").Append(ShellWord.Of(range));
        }
        foreach (var range in parsed.GetValue(TopArtists) ?? [])
        {
            words.Append(" --top-artists ").Append(ShellWord.Of(range));
        }
        words.Append(parsed.GetValue(SavedTracks) ? " --saved-tracks" : "");
        if (parsed.GetValue(Config) is { } file)
        {
            words.Append(" --config ").Append(ShellWord.Of(file.FullName));
        }
        return words.ToString();
    }

    public IReadOnlyList<ExtractionSource> Read(ParseResult parsed)
    {
        var sources = new List<ExtractionSource>();
        sources.AddRange((parsed.GetValue(Playlists) ?? []).Select(ExtractionSource.Playlist));
        if (parsed.GetValue(MyPlaylists))
        {
            sources.Add(ExtractionSource.MyPlaylists());
        }
        if (parsed.GetValue(RecentlyPlayed))
        {
            sources.Add(ExtractionSource.RecentlyPlayed());
        }
        sources.AddRange((parsed.GetValue(TopTracks) ?? []).Select(ExtractionSource.TopTracks));
        sources.AddRange((parsed.GetValue(TopArtists) ?? []).Select(ExtractionSource.TopArtists));
        if (parsed.GetValue(SavedTracks))
        {
            sources.Add(ExtractionSource.SavedTracks());
        }
        if (parsed.GetValue(Config) is { } file)
        {
            if (Directory.Exists(file.FullName))
            {
                throw new CliException(ExitCodes.DataError, $"{file.FullName} is a folder, not a sources file: name the JSON file listing the sources with --config.");
            }
            // A FIFO would hold the read until a writer came; a dangling link is no missing file.
            if (SpotifyEtl.Storage.LocalEntry.NotARegularFile(file.FullName) is { } problem)
            {
                throw new CliException(ExitCodes.DataError, $"{file.FullName} cannot be read as a sources file: {problem}. Name a JSON file listing the sources with --config.");
            }
            if (!file.Exists)
            {
                throw new CliException(ExitCodes.NoInput, $"No sources file at {file.FullName}: name an existing --config file.");
            }
            try
            {
                sources.AddRange(ExtractionSource.ParseList(File.ReadAllText(file.FullName), file.FullName));
            }
            catch (SpotifyConfigurationException exception)
            {
                // What the file holds is bad input data (65), as a credentials file that is not JSON is; not a usage error.
                throw new CliException(ExitCodes.DataError, exception.Message);
            }
        }
        return sources.Distinct().ToList();
    }
}
