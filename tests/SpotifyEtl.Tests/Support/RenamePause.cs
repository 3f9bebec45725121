using System.Diagnostics;
using Xunit;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// Holds a process still for a while right after it renames a file into place, so that a test can act at that point
/// (kill the process, look at what it left) however busy the machine is: a library preloaded into the process
/// (<c>LD_PRELOAD</c>) wraps the C library's <c>rename</c>, through which .NET moves a file over another's name
/// (<c>File.Move</c> with overwrite, as the lake's writes put a finished file in place), and sleeps after the
/// <c>Nth</c> rename whose target holds a folder name and ends with a suffix. Nothing else of the process changes.
/// </summary>
internal static class RenamePause
{
    private const string Source = """
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <stdatomic.h>
        #include <stdlib.h>
        #include <string.h>
        #include <time.h>
        #include <unistd.h>

        static int (*next_rename)(const char *, const char *);
        static atomic_int matched;

        __attribute__((constructor)) static void find_rename(void)
        {
            next_rename = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
        }

        static int pauses_after(const char *to)
        {
            const char *infix = getenv("RENAME_PAUSE_INFIX"), *suffix = getenv("RENAME_PAUSE_SUFFIX"), *at = getenv("RENAME_PAUSE_AT");
            if (infix == NULL || suffix == NULL || at == NULL) return 0;
            size_t length = strlen(to), tail = strlen(suffix);
            if (length < tail || strcmp(to + length - tail, suffix) != 0 || strstr(to, infix) == NULL) return 0;
            return atomic_fetch_add(&matched, 1) + 1 == atoi(at);
        }

        int rename(const char *from, const char *to)
        {
            int result = next_rename(from, to);
            if (result == 0 && pauses_after(to))
            {
                int saved = errno;
                const char *mark = getenv("RENAME_PAUSE_MARK");
                if (mark != NULL) close(open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
                long pause = atol(getenv("RENAME_PAUSE_MS") ? getenv("RENAME_PAUSE_MS") : "5000");
                struct timespec wait = { pause / 1000, (pause % 1000) * 1000000L };
                while (nanosleep(&wait, &wait) != 0 && errno == EINTR) { }
                errno = saved;
            }
            return result;
        }
        """;

    /// <summary>Compiles the library into <paramref name="folder"/> with the system's C compiler; returns its path.</summary>
    public static string Compile(string folder)
    {
        Assert.True(OperatingSystem.IsLinux(), "the pause wraps the C library's rename with LD_PRELOAD, which these tests do on Linux");
        var source = Path.Combine(folder, "rename-pause.c");
        var library = Path.Combine(folder, "rename-pause.so");
        File.WriteAllText(source, Source);
        var compiler = new[] { "cc", "gcc", "clang" }.FirstOrDefault(OnPath)
            ?? throw new InvalidOperationException("No C compiler (cc, gcc or clang) on PATH: these tests compile a small library to hold a process at a point (apt-get install gcc).");
        var compile = new ProcessStartInfo(compiler) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-shared", "-fPIC", "-O2", "-o", library, source, "-ldl"])
        {
            compile.ArgumentList.Add(argument);
        }
        using var process = Process.Start(compile)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{compiler} could not compile the rename pause: {errors.Result}");
        return library;
    }

    /// <summary>
    /// Sets <paramref name="start"/> to preload <paramref name="library"/> (from <see cref="Compile"/>) and pause for
    /// <paramref name="milliseconds"/> after its <paramref name="nth"/> rename of a file into a path holding
    /// <paramref name="infix"/> and ending with <paramref name="suffix"/>; the library creates <paramref name="mark"/> as it
    /// pauses, so that a test can tell a pause that never came (a library the loader refused) from one that came too late.
    /// </summary>
    public static void Apply(ProcessStartInfo start, string library, string infix, string suffix, int nth, string mark, int milliseconds = 5_000)
    {
        var preloaded = start.Environment.TryGetValue("LD_PRELOAD", out var others) && !string.IsNullOrEmpty(others) ? $"{library}:{others}" : library;
        start.Environment["LD_PRELOAD"] = preloaded;
        start.Environment["RENAME_PAUSE_INFIX"] = infix;
        start.Environment["RENAME_PAUSE_SUFFIX"] = suffix;
        start.Environment["RENAME_PAUSE_AT"] = nth.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["RENAME_PAUSE_MS"] = milliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["RENAME_PAUSE_MARK"] = mark;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, program)));
}
