using System.Runtime.InteropServices;

namespace SpotifyEtl.Cli.Shell;

/// <summary>This process's resource limits (getrlimit and setrlimit), on Linux, macOS and the BSDs.</summary>
internal static partial class ProcessLimits
{
    /// <summary>RLIMIT_NOFILE: 7 on Linux, 8 on macOS and the BSDs.</summary>
    public static int OpenFiles => OperatingSystem.IsLinux() ? 7 : 8;

    /// <summary>
    /// RLIMIT_AS, the address space (ulimit -v): 9 on Linux, 5 on macOS, 10 on FreeBSD; null elsewhere (on OpenBSD there
    /// is none, and 5 is the resident set's).
    /// </summary>
    private static int? AddressSpace =>
        OperatingSystem.IsLinux() ? 9 : OperatingSystem.IsMacOS() ? 5 : OperatingSystem.IsFreeBSD() ? 10 : null;

    /// <summary>
    /// RLIM_INFINITY is the largest <c>rlim_t</c> on Linux and 2^63 - 1 on macOS and the BSDs: a limit this large is none.
    /// </summary>
    private const ulong Unlimited = 1UL << 62;

    /// <summary><c>struct rlimit</c>: two <c>rlim_t</c>, 64 bits wide on the 64-bit platforms the tool is built for.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public record struct Limit(ulong Current, ulong Maximum);

    /// <summary>The limit on <paramref name="resource"/>; null where it cannot be read (Windows, no libc, a refusal).</summary>
    public static Limit? Read(int resource)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }
        try
        {
            return GetLimit(resource, out var limit) == 0 ? limit : null;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Sets the limit on <paramref name="resource"/>; false where the system refused it.</summary>
    public static bool Set(int resource, Limit limit) => SetLimit(resource, limit) == 0;

    /// <summary>Whether this process's address space has a soft limit (ulimit -v); false where none can be read.</summary>
    public static bool AddressSpaceLimited() =>
        AddressSpace is { } resource && Read(resource) is { Current: < Unlimited };

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetLimit(int resource, out Limit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit")]
    private static partial int SetLimit(int resource, in Limit limit);
}
