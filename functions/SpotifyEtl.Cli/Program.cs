using System.CommandLine;
using SpotifyEtl.Cli.Commands;

var root = new RootCommand(
    "spotify-etl: Spotify Stack's extraction and transformation on a laptop. The lake is a folder that " +
    "mirrors the S3 layout: <lake>/raw/... (responses as landed) and <lake>/transformed/<table>/snapshot_date=YYYY-MM-DD/<table>.csv.");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(SampleCommand.Create());
root.Subcommands.Add(TransformCommand.Create());
root.Subcommands.Add(QueryCommand.Create());
root.Subcommands.Add(ExtractCommand.Create());
root.Subcommands.Add(AuthCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
