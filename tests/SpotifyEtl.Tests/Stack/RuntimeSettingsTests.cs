using System.Text.Json;
using SpotifyEtl.Tests.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Stack;

/// <summary>
/// The runtime settings the project files choose (docs/benchmarks.md, "Runtime settings") reach the
/// runtimeconfig.json the runtime reads: an MSBuild property with a misspelt name is silently ignored.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void The_command_line_tool_runs_with_blocking_server_gc_and_without_dynamic_pgo()
    {
        var settings = Settings(Path.Combine(AppContext.BaseDirectory, "spotify-etl.runtimeconfig.json"));

        Assert.True(settings["System.GC.Server"]);
        Assert.False(settings["System.GC.Concurrent"]);
        Assert.False(settings["System.Runtime.TieredPGO"]);
        Assert.False(settings["System.Runtime.TieredCompilation.QuickJitForLoops"]);
    }

    [Fact]
    public void The_command_line_tool_keeps_arrays_up_to_3_mb_off_the_large_object_heap()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "spotify-etl.runtimeconfig.json")));
        var threshold = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty("System.GC.LOHThreshold");

        Assert.Equal(3L << 20, threshold.GetInt64());
    }

    [Fact]
    public void The_lambda_functions_run_with_workstation_gc_and_without_dynamic_pgo()
    {
        // The Functions project's own build output, in the configuration these tests were built in.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Path.Combine(FauxqsServer.RepositoryRoot(), "functions", "SpotifyEtl.Functions", "bin", configuration, "net10.0",
            "SpotifyEtl.Functions.runtimeconfig.json");
        var settings = Settings(path);

        Assert.False(settings["System.GC.Server"]);
        Assert.False(settings["System.Runtime.TieredPGO"]);
        Assert.False(settings["System.Runtime.TieredCompilation.QuickJitForLoops"]);
    }

    private static Dictionary<string, bool> Settings(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing: build the solution first");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").EnumerateObject()
            .Where(p => p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            .ToDictionary(p => p.Name, p => p.Value.GetBoolean(), StringComparer.Ordinal);
    }
}
