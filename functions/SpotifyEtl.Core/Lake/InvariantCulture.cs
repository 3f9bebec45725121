using System.Globalization;

namespace SpotifyEtl.Lake;

/// <summary>
/// Keeps the process on the invariant culture, whatever the machine's locale.
/// <para>
/// The projects build with invariant globalization, but <c>DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=false</c> (set by
/// some .NET container images) turns the machine's locale back on at run time. Under a Thai, Arabic or Persian locale a
/// date then formats in that calendar: partitions named <c>snapshot_date=2569-11-18</c>, and a lake the tool could not
/// read back. Lake keys, log lines and the tool's output are the same on every machine.
/// </para>
/// </summary>
public static class InvariantCulture
{
    /// <summary>Sets the invariant culture for this thread and every thread started after.</summary>
    public static void Apply()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }
}
