using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SpotifyEtl.Benchmarks;

/// <summary>
/// In-process (no generated project to build, so the repository's warnings-as-errors build settings
/// never meet BenchmarkDotNet's generated code) and short: a shared 2-core machine gives ranges, not
/// nanoseconds.
/// </summary>
internal sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithId("InProcess"));
        AddColumn(StatisticColumn.Median);
        HideColumns(Column.Error, Column.StdDev);
    }
}
