using System.Reflection;
using System.Runtime.CompilerServices;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// A day's rows are garbage once its tables stand. An async method keeps in its state every local it reads after an
/// await, until the method ends: a day's method that read its tables after the publication (to name its partial
/// playlists once the day was listed again and its run reports saved) held the whole day's rows that long, past a
/// backfill's end-of-day collection, and the 1,000-day sample's peak memory rose by about a quarter
/// (docs/benchmarks.md, "Memory over days"). Only the methods that fold or publish a day may hold its rows in their
/// state; any other that does fails here, named with the field that holds them.
/// </summary>
public sealed class DayStateTests
{
    /// <summary>The methods whose work is the rows themselves: parsing into them, folding them together, writing them.</summary>
    private static readonly string[] RowsAreTheWork = ["FoldAsync", "WorkAsync", "HelpAsync", "FoldObjectsAsync", "FoldOneAsync", "PublishAsync"];

    [Fact]
    public void No_async_method_of_the_pipeline_but_the_fold_and_the_publication_holds_a_days_rows()
    {
        // A build without optimizations keeps every local in the state, read after an await or not: what this looks at is
        // the Release build's, which make test runs and the tool and the functions ship.
        Assert.False(typeof(TransformPipeline).Assembly.GetCustomAttribute<System.Diagnostics.DebuggableAttribute>()?.IsJITOptimizerDisabled ?? false,
            "SpotifyEtl.Core was built without optimizations: run the tests of the Release build (dotnet test -c Release, as make test does).");
        var machines = StateMachines(typeof(TransformPipeline)).ToList();
        // The day's methods are among those looked at: a rename would otherwise leave this test looking at nothing.
        Assert.Contains(machines, machine => MethodOf(machine) == "TransformDirectAsync");
        Assert.Contains(machines, machine => MethodOf(machine) == "TransformStagedAsync");

        var holding = machines
            .Where(machine => !RowsAreTheWork.Contains(MethodOf(machine)))
            .SelectMany(machine => RowFields(machine, machine.Name))
            .ToList();

        Assert.Empty(holding);
    }

    [Theory]
    [InlineData(nameof(ReadAfterAnAwaitAsync))]
    [InlineData(nameof(CapturedAcrossAnAwaitAsync))]
    public void The_check_finds_rows_held_across_an_await(string method)
    {
        // Methods of this test written as the defect was, the rows in the state itself or in a closure it holds.
        var holding = RowFields(typeof(DayStateTests).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!
            .GetCustomAttribute<AsyncStateMachineAttribute>()!.StateMachineType, method).ToList();

        Assert.Single(holding);
    }

    private static async Task<int> ReadAfterAnAwaitAsync()
    {
        var tables = new SnapshotTables(new DateOnly(2026, 11, 20));
        await Task.Yield();
        return tables.PartialPlaylists.Count;
    }

    private static async Task<int> CapturedAcrossAnAwaitAsync()
    {
        var tables = new SnapshotTables(new DateOnly(2026, 11, 20));
        int Partial() => tables.PartialPlaylists.Count;
        await Task.Yield();
        return Partial();
    }

    /// <summary>Every async state machine of the type, its lambdas' included (they are nested in its closure classes).</summary>
    private static IEnumerable<Type> StateMachines(Type type) =>
        type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic)
            .SelectMany(nested => StateMachines(nested).Prepend(nested))
            .Where(nested => typeof(IAsyncStateMachine).IsAssignableFrom(nested));

    /// <summary>
    /// The method a state machine runs (<c>&lt;TransformDirectAsync&gt;d__31</c>), or the one an async lambda is written in
    /// (<c>&lt;&lt;TransformDaysAsync&gt;b__0&gt;d</c>): a lambda is part of its method's work.
    /// </summary>
    private static string MethodOf(Type machine)
    {
        var name = machine.Name.TrimStart('<');
        return name[..name.IndexOf('>', StringComparison.Ordinal)];
    }

    /// <summary>
    /// The fields of a state machine, and of the closures it holds, that can hold a day's rows. An awaiter field
    /// (<c>&lt;&gt;u__</c>) is left out: the compiler clears it as soon as the await resumes.
    /// </summary>
    private static IEnumerable<string> RowFields(Type type, string path) =>
        type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(field => !field.Name.StartsWith("<>u__", StringComparison.Ordinal))
            .SelectMany(field => HoldsRows(field.FieldType)
                ? [$"{path}.{field.Name} ({field.FieldType.Name})"]
                : IsClosure(field.FieldType) ? RowFields(field.FieldType, $"{path}.{field.Name}") : []);

    /// <summary>The locals a lambda or a local function captures: a class, or a struct for a local function called in place.</summary>
    private static bool IsClosure(Type type) => type.Name.StartsWith("<>c__DisplayClass", StringComparison.Ordinal);

    private static bool HoldsRows(Type type) =>
        type == typeof(SnapshotTables) || type == typeof(SnapshotFragment)
        || (type.HasElementType && HoldsRows(type.GetElementType()!))
        || (type.IsGenericType && type.GetGenericArguments().Any(HoldsRows));
}
