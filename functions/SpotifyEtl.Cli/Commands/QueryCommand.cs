using System.CommandLine;
using Spectre.Console;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Shell;

namespace SpotifyEtl.Cli.Commands;

internal static class QueryCommand
{
    public static Command Create()
    {
        var lake = CliOptions.Lake(required: false);
        lake.Description += " Not needed with --list.";
        var name = new Option<string?>("--query") { Description = "Run only this named query (a file name in queries/ without .sql; --list names them)." };
        var list = new Option<bool>("--list")
        {
            Description = "List the named queries, each with the question it answers, and run none: no lake needed (with --json, a JSON array of each one's name, question and description).",
        };
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
            lake, name, list, json, fromPartitions,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(list))
            {
                if (result.GetResult(name) is not null || result.GetResult(fromPartitions) is not null)
                {
                    result.AddError("--list names the queries and runs none: give it alone (with --json, if a script reads it), or run one with --query NAME --lake DIR.");
                }
            }
            else if (result.GetResult(lake) is null)
            {
                // The parser's own wording, which the error lines turn into what the verb needs, as for every required option.
                result.AddError("Option '--lake' is required.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(list))
            {
                List(parse.GetValue(json));
                return ExitCodes.Success;
            }
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

    /// <summary>The named queries and their questions: a table for a person, a JSON array for a script.</summary>
    private static void List(bool json)
    {
        if (json)
        {
            Console.Out.WriteLine(QueryJson.SerializeList(NamedQueries.All));
            return;
        }
        var table = new TerminalTable(["query", "the question it answers"]);
        foreach (var query in NamedQueries.All)
        {
            table.AddRow([query.Name, query.Question]);
        }
        Consoles.Output.Write(table.Draw(Consoles.Output.Profile.Width, out var cut));
        Consoles.Output.WriteLine(cut
            ? $"Cut to fit {Consoles.Output.Profile.Width} columns ({TerminalTable.Ellipsis}): --json or a wider terminal shows the questions whole."
            : $"Run one with: {ShellWord.Tool} query --query NAME --lake DIR");
    }
}
