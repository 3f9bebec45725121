using BenchmarkDotNet.Running;
using SpotifyEtl.Benchmarks;

// `make bench`: the retained-memory table, then BenchmarkDotNet (time and allocations).
// `--retained-only` prints just the table (a few seconds).
if (args.Contains("--retained-only"))
{
    RetainedMemory.Print(Console.Out);
    return;
}
RetainedMemory.Print(Console.Out);
BenchmarkSwitcher.FromAssembly(typeof(TransformBenchmarks).Assembly).Run(args);
