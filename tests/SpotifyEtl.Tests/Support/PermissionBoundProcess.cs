using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit;

namespace SpotifyEtl.Tests.Support;

/// <summary>spotify-etl run as a user whom file permissions bind: as itself, or as root without the capabilities that override them.</summary>
internal static partial class PermissionBoundProcess
{
    private const string SetPriv = "/usr/bin/setpriv";

    public static (int ExitCode, string Output, string Errors) Run(params string[] arguments)
    {
        var start = SpotifyEtlProcess.StartInfo(arguments);
        if (IsRoot())
        {
            var command = new[] { "--bounding-set", "-dac_override,-dac_read_search", start.FileName }.Concat(start.ArgumentList).ToList();
            start.FileName = SetPriv;
            start.ArgumentList.Clear();
            foreach (var argument in command)
            {
                start.ArgumentList.Add(argument);
            }
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors);
    }

    /// <summary>Root ignores permissions unless it gives up the capabilities that let it: a pass without setpriv would test nothing.</summary>
    public static void AssertAFolderCanBeDenied() =>
        Assert.False(IsRoot() && !File.Exists(SetPriv), $"Running as root without {SetPriv} (util-linux), no folder can be denied: install util-linux or run as another user.");

    private static bool IsRoot() => GetEffectiveUserId() == 0;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
