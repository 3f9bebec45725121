using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using SpotifyEtl.Cli.Shell;

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
    private static readonly Lock Gate = new();
    private static bool _registered;

    /// <summary>
    /// Call before the first DuckDB connection; later calls do nothing. The library is unpacked here, not when DuckDB
    /// first loads it, so that a cache folder it cannot be written to is reported as such.
    /// </summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered || typeof(DuckDbNativeLibrary).Assembly.GetManifestResourceInfo(Resource) is null)
            {
                return;
            }
            var library = Extract();
            NativeLibrary.SetDllImportResolver(typeof(DuckDB.NET.Native.DuckDBState).Assembly,
                (name, _, _) => name == "duckdb" ? NativeLibrary.Load(library) : IntPtr.Zero);
            _registered = true;
        }
    }

    private static string Extract()
    {
        using var compressed = typeof(DuckDbNativeLibrary).Assembly.GetManifestResourceStream(Resource)!;
        return Unpack(compressed, CacheRoot());
    }

    /// <summary>Unpacks a gzip-compressed library under <paramref name="cacheRoot"/>, once per content; returns its path.</summary>
    internal static string Unpack(Stream compressed, string cacheRoot)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(compressed))[..16];
        var folder = Path.Combine(cacheRoot, "spotify-etl", "duckdb-" + hash);
        var library = Path.Combine(folder, "libduckdb.so");
        if (File.Exists(library))
        {
            return library;
        }
        var temporary = library + "." + Environment.ProcessId + ".tmp";
        try
        {
            Directory.CreateDirectory(folder);
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
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
            throw new CliException(ExitCodes.IoError, $"Cannot unpack DuckDB's library, which the queries run on, into {folder}: " +
                $"{exception.Message.TrimEnd('.')}. Make that folder writable by this user, or set XDG_CACHE_HOME to a folder that is.");
        }
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
