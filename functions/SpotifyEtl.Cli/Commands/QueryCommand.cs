using System.CommandLine;

namespace SpotifyEtl.Cli.Commands;

internal static class QueryCommand
{
    public static Command Create()
    {
        var lake = CliOptions.Lake();
        var name = new Option<string?>("--query") { Description = "Run only this named query (a file name in infra/queries without .sql)." };
        var command = new Command("query",
            "Run the named queries (infra/queries/*.sql, the same files as the Athena named queries) against the lake with DuckDB, " +
            "through views named like the Glue tables, and print each result as a table. Needs Node.js and 'npm ci --prefix infra'.")
        {
            lake, name,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var results = await QueryRunner.RunAsync(parse.GetValue(lake)!.FullName, parse.GetValue(name), cancellationToken).ConfigureAwait(false);
            Render.Queries(results);
            return Shell.ExitCodes.Success;
        });
        return command;
    }
}
