using System.Text.Json;
using SpotifyEtl.Tests.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Faults;

/// <summary>
/// What every fault scenario is held to: the fault-free pipeline's lake, built once. The suite runs its
/// own S3 emulator, since one scenario stops and restarts it, and it must not take other tests' objects down.
/// </summary>
public sealed class FaultSuite : IAsyncLifetime
{
    public FauxqsServer Server { get; } = new();

    /// <summary>The fault-free lake's published tables, by key.</summary>
    public SortedDictionary<string, string> Tables { get; private set; } = null!;

    /// <summary>The fault-free raw objects, by key.</summary>
    public SortedDictionary<string, string> RawObjects { get; private set; } = null!;

    /// <summary>The fault-free runs' manifests, by key.</summary>
    public Dictionary<string, JsonElement> Manifests { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        await using var pipeline = await FaultPipeline.StartAsync(Server);
        foreach (var manifest in await pipeline.RunAllDaysAsync())
        {
            Manifests[manifest] = await pipeline.ManifestAsync(manifest);
        }
        Tables = await pipeline.TablesAsync();
        RawObjects = await pipeline.RawObjectsAsync();
        if (!pipeline.FailedInvocations.IsEmpty || Tables.Count == 0)
        {
            throw new InvalidOperationException("The fault-free pipeline failed or published nothing: the fault scenarios have no reference.");
        }
        // A source that failed in the fault-free run (a request that timed out on a loaded machine) would leave a reference
        // every scenario then differs from, as if each had lost rows: said as itself instead.
        var unsuccessful = Manifests.Where(m => m.Value.GetProperty("outcome").GetString() != "succeeded").Select(m => $"{m.Key}: {m.Value.GetRawText()}").ToList();
        if (unsuccessful.Count > 0)
        {
            throw new InvalidOperationException($"A fault-free run did not succeed, so the fault scenarios have no reference:\n{string.Join('\n', unsuccessful)}");
        }
    }

    public Task DisposeAsync() => Server.DisposeAsync();
}
