using System.Globalization;
using System.Runtime.InteropServices;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Asks Linux to back the garbage-collected heap with transparent huge pages (2 MB) where the system
/// leaves that to each program (<c>transparent_hugepage=madvise</c>, a common default). A transform
/// allocates its rows in fresh memory, and touching it 4 KB page by page cost about a third of its
/// time in page faults (docs/benchmarks.md); a 2 MB page takes one fault. The runtime reserves its heap
/// as one large range at start-up, so marking that range once covers every later allocation. Nothing
/// changes where the system has no huge pages or elsewhere than Linux; what a run produces never does.
/// </summary>
public static partial class HugePages
{
    private const int AdviseHugePage = 14; // MADV_HUGEPAGE

    /// <summary>A reservation at least this large is the runtime's heap range (hundreds of GB of address space).</summary>
    private const long HeapReservation = 16L << 30;

    public static void AdviseHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                // "start-end perms offset dev inode [path]": the heap range is reserved, not yet readable: "---p", no path.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length != 5 || fields[1] != "---p")
                {
                    continue;
                }
                var range = fields[0].Split('-');
                var start = long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var end = long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (end - start >= HeapReservation)
                {
                    _ = Madvise((nint)start, (nuint)(end - start), AdviseHugePage);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException
                                              or DllNotFoundException or EntryPointNotFoundException)
        {
            // An advice, not a requirement: without it the run is the same, only slower.
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
