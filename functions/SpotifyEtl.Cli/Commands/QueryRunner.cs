using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;

namespace SpotifyEtl.Cli.Commands;

/// <summary>One named query's answer, as infra/queries/run-local.ts prints it in JSON.</summary>
internal sealed record QueryResult(string Name, string Question, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows);

[JsonSerializable(typeof(List<QueryResult>))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class QueryResultContext : JsonSerializerContext;

/// <summary>
/// Runs the named queries (infra/queries/*.sql, the same files the stack turns into Athena named
/// queries) against the local lake with DuckDB, through the project's Node.js runner.
/// </summary>
internal static class QueryRunner
{
    public static async Task<List<QueryResult>> RunAsync(string lake, string? query, CancellationToken cancellationToken)
    {
        var infra = FindInfraFolder();
        if (query is not null && !File.Exists(Path.Combine(infra, "queries", query + ".sql")))
        {
            var names = Directory.EnumerateFiles(Path.Combine(infra, "queries"), "*.sql").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
            throw new CliException(ExitCodes.Usage, $"No named query '{query}'. Choose one of: {string.Join(", ", names)}.");
        }
        if (!Directory.Exists(Path.Combine(lake, LakeLayout.Transformed.TrimEnd('/'))))
        {
            throw new CliException(ExitCodes.NoInput, $"The lake {Path.GetFullPath(lake)} has no transformed/ tables yet: run 'spotify-etl transform --lake {lake}' first.");
        }
        if (!Directory.Exists(Path.Combine(infra, "node_modules")))
        {
            throw new CliException(ExitCodes.Unavailable, $"The query runner's packages (DuckDB) are not installed: run 'npm ci --prefix {infra}' (make demo does).");
        }
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = infra,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--import", "tsx", "queries/run-local.ts", "--lake", Path.GetFullPath(lake), "--format", "json" })
        {
            start.ArgumentList.Add(argument);
        }
        if (query is not null)
        {
            start.ArgumentList.Add("--query");
            start.ArgumentList.Add(query);
        }

        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new CliException(ExitCodes.Unavailable, $"Could not start node ({exception.Message}): install Node.js 20 or later and put it on the PATH.");
        }
        using var process = started ?? throw new CliException(ExitCodes.Unavailable, "Could not start node: install Node.js 20 or later and put it on the PATH.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new CliException(ExitCodes.Failure, $"The query runner (DuckDB through Node.js) failed with exit {process.ExitCode}: {(await errors.ConfigureAwait(false)).Trim()}");
        }
        return JsonSerializer.Deserialize(await output.ConfigureAwait(false), QueryResultContext.Default.ListQueryResult)
               ?? throw new CliException(ExitCodes.Failure, "The query runner printed no results.");
    }

    /// <summary>The repository's infra/ folder: from SPOTIFY_STACK_ROOT, or found upwards from here.</summary>
    private static string FindInfraFolder()
    {
        var starts = new[] { Environment.GetEnvironmentVariable("SPOTIFY_STACK_ROOT"), Environment.CurrentDirectory, AppContext.BaseDirectory };
        foreach (var start in starts.Where(s => !string.IsNullOrEmpty(s)))
        {
            for (var folder = new DirectoryInfo(start!); folder is not null; folder = folder.Parent)
            {
                var infra = Path.Combine(folder.FullName, "infra");
                if (File.Exists(Path.Combine(infra, "queries", "run-local.ts")))
                {
                    return infra;
                }
            }
        }
        throw new CliException(ExitCodes.Unavailable, "Cannot find infra/queries/run-local.ts: run spotify-etl from the repository, or set SPOTIFY_STACK_ROOT to it.");
    }
}
