using System.Text.RegularExpressions;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

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
    [InlineData("on", false, true)]
    [InlineData("ON", true, true)]
    [InlineData(" On\n", true, true)]
    [InlineData("off", false, false)]
    [InlineData("Off", true, false)]
    [InlineData(null, false, true)]
    [InlineData(null, true, false)]
    [InlineData("", true, false)]
    [InlineData("auto", false, true)]
    [InlineData("yes", true, false)]
    public void The_setting_overrides_the_machine_and_anything_else_leaves_the_choice_to_it(string? setting, bool hostTakesFreedMemory, bool wanted)
    {
        var looked = false;

        Assert.Equal(wanted, HugePages.Wanted(setting, () =>
        {
            looked = true;
            return hostTakesFreedMemory;
        }));

        // The machine is looked at only when the setting leaves the choice to it.
        Assert.Equal(setting?.Trim().ToLowerInvariant() is not ("on" or "off"), looked);
    }

    [Fact]
    public void The_heap_of_this_very_process_is_advised_onto_huge_pages_or_off_them_as_chosen()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // elsewhere the heap is the system's to place
        }

        Assert.False(HugePages.AdviseHeap("off"));
        Assert.All(HeapReservationFlags(), flags => Assert.Contains("nh", flags));

        Assert.True(HugePages.AdviseHeap("on"));
        Assert.All(HeapReservationFlags(), flags =>
        {
            Assert.Contains("hg", flags);
            Assert.DoesNotContain("nh", flags);
        });
    }

    /// <summary>The VmFlags of the runtime's heap reservation (hundreds of GB, not yet readable): "hg" huge pages advised, "nh" advised off.</summary>
    private static List<string[]> HeapReservationFlags()
    {
        var reservation = MappingHeader().Matches(File.ReadAllText("/proc/self/smaps"))
            .Where(m => Convert.ToInt64(m.Groups["end"].Value, 16) - Convert.ToInt64(m.Groups["start"].Value, 16) >= 16L << 30)
            .Select(m => m.Groups["flags"].Value.Split(' '))
            .ToList();
        Assert.NotEmpty(reservation);
        return reservation;
    }

    [GeneratedRegex(@"^(?<start>[0-9a-f]+)-(?<end>[0-9a-f]+) ---p [^\n]*\n(?:(?![0-9a-f]+-)[^\n]*\n)*?VmFlags: (?<flags>[^\n]*)", RegexOptions.Multiline)]
    private static partial Regex MappingHeader();
}
