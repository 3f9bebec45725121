using System.CommandLine;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Shell;

namespace SpotifyEtl.Cli.Commands;

internal static class QueryCommand
{
    public static Command Create()
    {
        var lake = CliOptions.Lake();
        var name = new Option<string?>("--query") { Description = "Run only this named query (a file name in queries/ without .sql)." };
        var json = CliOptions.Json("Print a JSON array on stdout, one object per query run, instead of the tables (for scripts).");
        var fromPartitions = new Option<bool>("--current-from-partitions")
        {
            Description = "Compute the current-state tables (songs_current, ...) from every day's partition instead of reading their files: " +
                          "slower on a long lake; the answers are the same (a check of those files, and what they save).",
        };
        var command = new Command("query",
            "Run the named queries (queries/*.sql, carried inside this tool; the same files as the Athena named queries) against " +
            "the lake with DuckDB in this process, through views named like the Glue tables, and print each result as a table.")
        {
            lake, name, json, fromPartitions,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var answers = await QueryRunner.RunAsync(parse.GetValue(lake)!.FullName, parse.GetValue(name), cancellationToken, parse.GetValue(fromPartitions),
                types: parse.GetValue(json)).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(QueryJson.Serialize(answers.Asked));
            }
            else
            {
                Render.Queries(answers.Results, answers.HoldsHistory);
            }
            // The answers the damaged files did not touch are printed first; the command still fails, naming the files.
            answers.ThrowIfDamaged();
            return ExitCodes.Success;
        });
        return command;
    }
}
