using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// Where DuckDB's native library comes from. The single-file build of <c>make cli</c> carries it as a
/// gzip-compressed resource: on first use it is written to a per-user cache folder under a name made of
/// its hash (so versions never mix, and a half-written copy is never loaded), then loaded from there.
/// Other builds find the copy NuGet put beside the assembly.
/// </summary>
internal static class DuckDbNativeLibrary
{
    private const string Resource = "native/libduckdb.so.gz";
    private static int _registered;

    /// <summary>Call before the first DuckDB connection; later calls do nothing.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1 || typeof(DuckDbNativeLibrary).Assembly.GetManifestResourceInfo(Resource) is null)
        {
            return;
        }
        NativeLibrary.SetDllImportResolver(typeof(DuckDB.NET.Native.DuckDBState).Assembly,
            (name, _, _) => name == "duckdb" ? NativeLibrary.Load(Extract()) : IntPtr.Zero);
    }

    private static string Extract()
    {
        using var compressed = typeof(DuckDbNativeLibrary).Assembly.GetManifestResourceStream(Resource)!;
        var hash = Convert.ToHexStringLower(SHA256.HashData(compressed))[..16];
        var folder = Path.Combine(CacheRoot(), "spotify-etl", "duckdb-" + hash);
        var library = Path.Combine(folder, "libduckdb.so");
        if (File.Exists(library))
        {
            return library;
        }
        Directory.CreateDirectory(folder);
        var temporary = library + "." + Environment.ProcessId + ".tmp";
        compressed.Position = 0;
        using (var output = File.Create(temporary))
        using (var gzip = new GZipStream(compressed, CompressionMode.Decompress))
        {
            gzip.CopyTo(output);
        }
        // Atomic: a concurrent first run either sees no file or a whole one.
        File.Move(temporary, library, overwrite: true);
        return library;
    }

    /// <summary>$XDG_CACHE_HOME, else ~/.cache, else the temporary folder (a user without a home).</summary>
    private static string CacheRoot()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            return xdg;
        }
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? Path.GetTempPath() : Path.Combine(home, ".cache");
    }
}
