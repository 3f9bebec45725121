using System.CommandLine;
using SpotifyEtl.Cli.Commands;

// Temporary wiring from the extraction branch so `extract` and `auth login` can be tried; the lead owns this file.
var root = new RootCommand("spotify-etl: the Spotify pipeline on a laptop, against a local lake.");
root.Subcommands.Add(ExtractCommand.Create());
root.Subcommands.Add(AuthCommand.Create());
return await root.Parse(args).InvokeAsync();
