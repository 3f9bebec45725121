using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

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

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node: install Node.js 20 or later.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The query runner failed (exit {process.ExitCode}):\n{(await errors.ConfigureAwait(false)).Trim()}");
        }
        return JsonSerializer.Deserialize(await output.ConfigureAwait(false), QueryResultContext.Default.ListQueryResult)
               ?? throw new InvalidOperationException("The query runner printed no results.");
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
                    if (!Directory.Exists(Path.Combine(infra, "node_modules")))
                    {
                        throw new InvalidOperationException($"The query runner's packages are not installed: run 'npm ci --prefix {infra}' (make demo does).");
                    }
                    return infra;
                }
            }
        }
        throw new InvalidOperationException("Cannot find infra/queries/run-local.ts: run spotify-etl from the repository, or set SPOTIFY_STACK_ROOT to it.");
    }
}
