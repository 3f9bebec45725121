using System.Text.RegularExpressions;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>A collection on another thread remaps the heap's regions it decommits: these tests run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(HugePagesTests), DisableParallelization = true)]
[Collection(nameof(HugePagesTests))]
public sealed partial class HugePagesTests
{
    [Fact]
    public void A_virtio_balloon_bound_to_its_driver_with_free_page_reporting_is_a_host_that_takes_freed_memory_back()
    {
        var random = new Random(26);
        string[] ids = ["0x0001", "0x0002", "0x0004", "0x0005", "0x0013"];
        for (var trial = 0; trial < 300; trial++)
        {
            using var folder = new TempFolder();
            var devices = Path.Combine(folder.Path, "virtio");
            Directory.CreateDirectory(devices);
            var expected = false;
            for (var index = random.Next(0, 5); index > 0; index--)
            {
                var device = Directory.CreateDirectory(Path.Combine(devices, $"virtio{index}")).FullName;
                var id = ids[random.Next(ids.Length)];
                // Feature strings as the kernel writes them (64 or 128 bits), and a few too short to hold bit 5.
                var length = random.Next(4) switch { 0 => random.Next(0, 6), 1 => 64, _ => 128 };
                var bits = new string(Enumerable.Range(0, length).Select(_ => random.Next(2) == 0 ? '0' : '1').ToArray());
                var bound = random.Next(3) > 0;
                if (random.Next(8) > 0)
                {
                    File.WriteAllText(Path.Combine(device, "device"), id + "\n");
                }
                else
                {
                    id = "";
                }
                File.WriteAllText(Path.Combine(device, "features"), bits + "\n");
                if (bound)
                {
                    Directory.CreateSymbolicLink(Path.Combine(device, "driver"), folder.Path);
                }
                expected |= id == "0x0005" && bound && bits.Length > 5 && bits[5] == '1';
            }

            Assert.Equal(expected, HugePages.HostTakesFreedMemory(devices, Path.Combine(folder.Path, "no-hyper-v")));
        }
    }

    [Fact]
    public void Hyper_v_balloon_driver_counts_only_once_it_is_bound_to_a_device()
    {
        using var folder = new TempFolder();
        var driver = Directory.CreateDirectory(Path.Combine(folder.Path, "hv_balloon")).FullName;
        var missing = Path.Combine(folder.Path, "no-virtio");
        foreach (var file in new[] { "bind", "unbind", "uevent", "new_id", "remove_id" })
        {
            File.WriteAllText(Path.Combine(driver, file), "");
        }
        Directory.CreateSymbolicLink(Path.Combine(driver, "module"), folder.Path);
        Assert.False(HugePages.HostTakesFreedMemory(missing, driver));

        Directory.CreateSymbolicLink(Path.Combine(driver, "1eccfd72-4b41-45ef-b73a-4a6e44c12924"), folder.Path);
        Assert.True(HugePages.HostTakesFreedMemory(missing, driver));
    }

    [Fact]
    public void A_machine_without_the_buses_is_not_such_a_host()
    {
        using var folder = new TempFolder();
        Assert.False(HugePages.HostTakesFreedMemory(Path.Combine(folder.Path, "a"), Path.Combine(folder.Path, "b")));
    }

    [Theory]
    [InlineData("on", false, 1, true)]
    [InlineData("ON", true, 1, true)]
    [InlineData(" On\n", true, 1, true)]
    [InlineData("off", false, 50, false)]
    [InlineData("Off", true, 50, false)]
    [InlineData(null, false, 1, true)]
    [InlineData(null, true, 1, false)]
    [InlineData(null, true, 11, true)]
    [InlineData("", true, 2, false)]
    [InlineData("", true, 16, true)]
    [InlineData("auto", false, 1, true)]
    [InlineData("yes", true, 1, false)]
    public void The_setting_overrides_the_machine_and_anything_else_leaves_the_choice_to_it(string? setting, bool hostTakesFreedMemory,
        int faultMicroseconds, bool wanted) =>
        Assert.Equal(wanted, HugePages.Wanted(setting, () => hostTakesFreedMemory, () => TimeSpan.FromMicroseconds(faultMicroseconds)));

    [Fact]
    public void Small_pages_only_where_the_host_takes_freed_memory_back_and_a_fault_is_cheap_and_the_machine_is_looked_at_only_as_needed()
    {
        var random = new Random(2611);
        string?[] settings = [null, "", " ", "on", "ON", " off\n", "Off", "auto", "huge", "4k"];
        for (var trial = 0; trial < 2000; trial++)
        {
            var setting = settings[random.Next(settings.Length)];
            var host = random.Next(2) == 0;
            // Around the threshold and far from it, to the tick.
            var fault = random.Next(3) switch
            {
                0 => HugePages.CheapSmallPageFault + TimeSpan.FromTicks(random.Next(-2, 3)),
                1 => TimeSpan.FromTicks(random.Next(0, 1_000)),
                _ => random.Next(10) == 0 ? TimeSpan.MaxValue : TimeSpan.FromMicroseconds(random.Next(0, 200)),
            };
            var (lookedAtHost, timed) = (false, false);

            var wanted = HugePages.Wanted(setting, () => { lookedAtHost = true; return host; }, () => { timed = true; return fault; });

            var forced = setting?.Trim().ToLowerInvariant() switch { "on" => true, "off" => (bool?)false, _ => null };
            Assert.Equal(forced ?? !(host && fault <= HugePages.CheapSmallPageFault), wanted);
            Assert.Equal(forced is null, lookedAtHost);
            Assert.Equal(forced is null && host, timed);
        }
    }

    [Fact]
    public void A_fault_of_this_machine_is_timed_in_microseconds_not_guessed()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Equal(TimeSpan.MaxValue, HugePages.SmallPageFault());
            return;
        }

        var faults = Enumerable.Range(0, 5).Select(_ => HugePages.SmallPageFault()).ToList();

        // A kernel built without transparent huge pages refuses the advice off them, and nothing is timed: the heap is
        // left as it is there. Elsewhere a real first touch of a fresh mapping is timed each time: more than nothing, and
        // a figure, not the "not looked at" of MaxValue (how long it takes is the machine's, and no test's to bound).
        if (!Directory.Exists("/sys/kernel/mm/transparent_hugepage"))
        {
            Assert.All(faults, fault => Assert.Equal(TimeSpan.MaxValue, fault));
            return;
        }
        Assert.All(faults, fault => Assert.InRange(fault, TimeSpan.FromTicks(1), TimeSpan.MaxValue - TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void The_heap_of_this_very_process_is_advised_onto_huge_pages_or_off_them_as_chosen()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // elsewhere the heap is the system's to place
        }

        AssertHeapAdvised("off", huge: false, flag: "nh", opposite: "hg");
        AssertHeapAdvised("on", huge: true, flag: "hg", opposite: "nh");
    }

    /// <summary>
    /// Advises the heap as <paramref name="setting"/> says and checks every mapping of it. A collection on another
    /// thread may decommit a region between the advice and the read: the runtime maps it afresh, with neither advice.
    /// So a mapping with the opposite advice fails at once, and one with neither only if advising again, a few times,
    /// never covers it.
    /// </summary>
    private static void AssertHeapAdvised(string setting, bool huge, string flag, string opposite)
    {
        const int Attempts = 5;
        List<string[]> heap = [];
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            Assert.Equal(huge, HugePages.AdviseHeap(setting));
            heap = HeapReservationFlags();
            Assert.All(heap, flags => Assert.DoesNotContain(opposite, flags));
            if (heap.All(flags => flags.Contains(flag)))
            {
                return;
            }
        }
        Assert.Fail($"after {Attempts} advices '{setting}', {heap.Count(flags => !flags.Contains(flag))} of the heap's {heap.Count} mappings still lack '{flag}'");
    }

    /// <summary>
    /// The VmFlags of every mapping of the runtime's heap: its reserved rest (hundreds of GB, not yet readable) and the
    /// regions below it, within the range the runtime reserved, that it committed before the advice ("hg" huge pages
    /// advised, "nh" advised off).
    /// </summary>
    private static List<string[]> HeapReservationFlags()
    {
        var mappings = MappingHeader().Matches(File.ReadAllText("/proc/self/smaps"))
            .Select(m => (Start: Convert.ToInt64(m.Groups["start"].Value, 16), End: Convert.ToInt64(m.Groups["end"].Value, 16),
                Readable: m.Groups["perms"].Value != "---p", Flags: m.Groups["flags"].Value.Split(' ')))
            .ToList();
        var rest = Assert.Single(mappings, m => !m.Readable && m.End - m.Start >= 16L << 30);
        var reach = HugePages.RegionRange();
        Assert.True(reach >= rest.End - rest.Start, $"the runtime's GCRegionRange, {reach}, holds the reservation");
        var heap = mappings.Where(m => m.Start >= rest.End - reach && m.End <= rest.End).ToList();
        // The regions committed before the advice are there, readable, and advised with the rest.
        Assert.Contains(heap, m => m.Readable);
        return heap.Select(m => m.Flags).ToList();
    }

    [GeneratedRegex(@"^(?<start>[0-9a-f]+)-(?<end>[0-9a-f]+) (?<perms>\S+) [^\n]*\n(?:(?![0-9a-f]+-)[^\n]*\n)*?VmFlags: (?<flags>[^\n]*)", RegexOptions.Multiline)]
    private static partial Regex MappingHeader();
}
