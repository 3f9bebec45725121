using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Chooses the page size of the garbage-collected heap on Linux, by advice the system takes whether it leaves
/// huge pages to each program (<c>transparent_hugepage=madvise</c>, a common default) or puts every program
/// on them (<c>always</c>). A transform allocates its rows in fresh memory, so what a first touch of a page
/// costs is a large share of its time (docs/benchmarks.md).
/// <list type="bullet">
/// <item>Where the memory is the machine's own, a 2 MB page takes one fault where 4 KB pages take 512: the
/// heap is advised onto huge pages (<c>madvise(MADV_HUGEPAGE)</c> on the range the runtime reserves for it
/// at start-up, which covers every later allocation, and the regions it committed there before). A region
/// the runtime decommits after a collection is mapped afresh, without the advice, and takes the system's
/// default when it is committed again: none in a run within its collection budget, about 23 MB of regions
/// in a backfill of 100 days.</item>
/// <item>In a virtual machine whose host takes freed memory back (free page reporting, as a virtio balloon
/// or Hyper-V's balloon in WSL 2 offers), the host takes only free blocks of 2 MB and more. A fresh huge
/// page is carved from such a block, and its first touch waits for the host to back it again, 3 to 5 ms
/// a page as measured. Where a 4 KB fault is cheap (2 µs on one such host), 512 of them cost less than
/// that, and a first run was faster on 4 KB pages; where it is dear (11 to 16 µs on hosts of the same
/// kind), they cost more, and huge pages stayed the faster. So there the tool times 4 KB faults of its own
/// (<see cref="SmallPageFault"/>) and advises the heap off huge pages (<c>MADV_NOHUGEPAGE</c>) only when
/// one costs at most <see cref="CheapSmallPageFault"/>.</item>
/// </list>
/// <see cref="Variable"/> overrides the choice: <c>on</c> or <c>off</c>. Nothing changes elsewhere than
/// Linux; what a run produces never does.
/// </summary>
public static partial class HugePages
{
    /// <summary>The environment variable that overrides the choice: <c>on</c>, <c>off</c>, or unset (chosen for the machine).</summary>
    public const string Variable = "SPOTIFY_ETL_HUGE_PAGES";

    /// <summary>
    /// A 4 KB fault at most this dear makes 512 of them (one 2 MB page's worth, 2.5 ms) cheaper than the first touch of a
    /// huge page the host took back: in a virtual machine whose host takes freed memory back, the heap stays on 4 KB pages.
    /// </summary>
    public static readonly TimeSpan CheapSmallPageFault = TimeSpan.FromMicroseconds(5);

    private const int AdviseHugePage = 14;   // MADV_HUGEPAGE
    private const int AdviseNoHugePage = 15; // MADV_NOHUGEPAGE

    /// <summary>A reservation at least this large is the runtime's heap range (hundreds of GB of address space).</summary>
    private const long HeapReservation = 16L << 30;

    private const string VirtioDevices = "/sys/bus/virtio/devices";
    private const string HyperVBalloon = "/sys/bus/vmbus/drivers/hv_balloon";
    private const string VirtioBalloon = "0x0005"; // VIRTIO_ID_BALLOON
    private const int FreePageReporting = 5;       // VIRTIO_BALLOON_F_REPORTING

    /// <summary>
    /// Advises the heap onto huge pages, or off them where <see cref="Wanted"/> says 4 KB (so that a system that
    /// puts every program on huge pages, <c>transparent_hugepage=always</c>, leaves this heap on 4 KB pages too);
    /// returns whether it advised huge pages.
    /// </summary>
    public static bool AdviseHeap() => AdviseHeap(Environment.GetEnvironmentVariable(Variable));

    /// <summary>As <see cref="AdviseHeap()"/>, with <paramref name="setting"/> in place of the environment variable's value.</summary>
    public static bool AdviseHeap(string? setting)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        var huge = Wanted(setting, () => HostTakesFreedMemory(), SmallPageFault);
        try
        {
            var advised = false;
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
                    advised |= Advise(start, end, RegionRange(), huge ? AdviseHugePage : AdviseNoHugePage);
                }
            }
            return huge && advised;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException
                                              or DllNotFoundException or EntryPointNotFoundException)
        {
            // An advice, not a requirement: without it the run is the same, only slower.
            return false;
        }
    }

    /// <summary>
    /// Advises the reserved rest of the heap, <paramref name="start"/> to <paramref name="end"/>, and the regions the runtime
    /// committed below it before this advice (the first regions of each generation: a large-object region alone is 32 MB,
    /// most of it touched later): the range the runtime reserved is <paramref name="reach"/> bytes, ending where the reserved
    /// rest ends. Where the reach is unknown (0) or would not hold the rest, the rest alone.
    /// </summary>
    private static bool Advise(long start, long end, long reach, int advice)
    {
        var from = reach >= end - start ? end - reach : start;
        // Across a hole (none in a reservation) madvise still advises what is mapped and fails: then the rest alone says.
        return Madvise((nint)from, (nuint)(end - from), advice) == 0
            || from != start && Madvise((nint)start, (nuint)(end - start), advice) == 0;
    }

    /// <summary>The size of the address range the runtime reserves for the heap (its <c>GCRegionRange</c>), or 0 where it does not say.</summary>
    internal static long RegionRange()
    {
        try
        {
            return GC.GetConfigurationVariables().TryGetValue("GCRegionRange", out var range) && range is not null
                ? Math.Max(0, Convert.ToInt64(range, CultureInfo.InvariantCulture))
                : 0;
        }
        catch (Exception exception) when (exception is InvalidCastException or FormatException or OverflowException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Whether the heap goes on huge pages: as <paramref name="setting"/> says (<c>on</c>, <c>off</c>, in any
    /// case), otherwise (unset, empty or another word) unless the host takes freed memory back and a 4 KB fault
    /// is cheap there (<see cref="CheapSmallPageFault"/>): the machine is looked at only when the setting leaves
    /// the choice to it, and faults are timed only on such a host.
    /// </summary>
    public static bool Wanted(string? setting, Func<bool> hostTakesFreedMemory, Func<TimeSpan> smallPageFault) => setting?.Trim().ToLowerInvariant() switch
    {
        "on" => true,
        "off" => false,
        _ => !hostTakesFreedMemory() || smallPageFault() > CheapSmallPageFault,
    };

    private const int Probes = 16;
    private const int PageSize = 4096;
    private const int ProtectReadWrite = 0x1 | 0x2;      // PROT_READ | PROT_WRITE
    private const int MapPrivateAnonymous = 0x02 | 0x20; // MAP_PRIVATE | MAP_ANONYMOUS

    /// <summary>
    /// What the first touch of a fresh 4 KB page costs here: the median of <see cref="Probes"/> pages of a mapping of
    /// its own, advised off huge pages, each touched once and timed (about 0.2 ms in all where a fault costs 11 µs).
    /// <see cref="TimeSpan.MaxValue"/> where the mapping cannot be made: huge pages, as on a machine not looked at.
    /// </summary>
    public static unsafe TimeSpan SmallPageFault()
    {
        if (!OperatingSystem.IsLinux())
        {
            return TimeSpan.MaxValue;
        }
        try
        {
            var length = (nuint)(Probes * PageSize);
            var mapping = Mmap(0, length, ProtectReadWrite, MapPrivateAnonymous, -1, 0);
            if (mapping == -1)
            {
                return TimeSpan.MaxValue;
            }
            try
            {
                if (Madvise(mapping, length, AdviseNoHugePage) != 0)
                {
                    return TimeSpan.MaxValue; // what it would time might be a huge page
                }
                Span<long> ticks = stackalloc long[Probes];
                var page = (byte*)mapping;
                for (var index = 0; index < Probes; index++, page += PageSize)
                {
                    var start = Stopwatch.GetTimestamp();
                    Volatile.Write(ref *page, 1);
                    ticks[index] = Stopwatch.GetTimestamp() - start;
                }
                ticks.Sort();
                return Stopwatch.GetElapsedTime(0, ticks[Probes / 2]);
            }
            finally
            {
                _ = Munmap(mapping, length); // 64 KB of address space, should it fail
            }
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return TimeSpan.MaxValue;
        }
    }

    /// <summary>
    /// Whether this machine is a virtual machine whose host takes freed memory back: a virtio balloon
    /// bound to its driver with free page reporting among the features it agreed to, or Hyper-V's balloon
    /// driver bound to a device. Folders that are not there (no such bus, a container without
    /// <c>/sys</c>) answer no.
    /// </summary>
    public static bool HostTakesFreedMemory(string virtioDevices = VirtioDevices, string hyperVBalloon = HyperVBalloon)
    {
        try
        {
            if (Directory.Exists(virtioDevices))
            {
                foreach (var device in Directory.EnumerateDirectories(virtioDevices))
                {
                    if (ReportsFreePages(device))
                    {
                        return true;
                    }
                }
            }
            // A driver's folder holds a link named after each device it is bound to, beside its own files.
            return Directory.Exists(hyperVBalloon)
                && new DirectoryInfo(hyperVBalloon).EnumerateFileSystemInfos().Any(entry => entry.LinkTarget is not null && entry.Name != "module");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool ReportsFreePages(string device)
    {
        var id = Path.Combine(device, "device");
        var features = Path.Combine(device, "features");
        if (!File.Exists(id) || !File.Exists(features) || !Path.Exists(Path.Combine(device, "driver")))
        {
            return false;
        }
        // "features" is one character per feature bit, '0' or '1', bit 0 first.
        var bits = File.ReadAllText(features).Trim();
        return File.ReadAllText(id).Trim() == VirtioBalloon && bits.Length > FreePageReporting && bits[FreePageReporting] == '1';
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int descriptor, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(nint address, nuint length);
}
