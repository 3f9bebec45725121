namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// The exit codes of every verb, one meaning each (the BSD sysexits numbers where one fits). <c>spotify-etl --help</c>
/// prints this table; docs/cli.md's has the same codes, with every cause at length.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Everything asked for was done.</summary>
    public const int Success = 0;

    /// <summary>The run failed: a source failed to extract, a query failed, the run ran out of memory, or an unexpected error.</summary>
    public const int Failure = 1;

    /// <summary>Done, with something left for a person: objects quarantined, inputs skipped, or an extraction stopped early with its state saved.</summary>
    public const int Partial = 3;

    /// <summary>The command line is wrong: an unknown option, a missing or out-of-range value, no sources named.</summary>
    public const int Usage = 64;

    /// <summary>An input exists but cannot be used: a credentials file that is not JSON, no raw objects in --input.</summary>
    public const int DataError = 65;

    /// <summary>An input named on the command line does not exist.</summary>
    public const int NoInput = 66;

    /// <summary>A service the command needs cannot be reached: Spotify, or the S3 bucket of <c>report --lake s3://...</c> (credentials, name, network).</summary>
    public const int Unavailable = 69;

    /// <summary>The lake or another output cannot be written: permissions, a full disk, a path that is a file.</summary>
    public const int IoError = 74;

    /// <summary>Another extraction is running on the same lake: run again when it has ended.</summary>
    public const int Busy = 75;

    /// <summary>Spotify refused the credentials (authorize again with 'spotify-etl auth login'), or the account a login signed in with.</summary>
    public const int NoPermission = 77;

    /// <summary>Interrupted (Ctrl-C); what was written is complete, the rest is redone by the next run.</summary>
    public const int Interrupted = 130;

    /// <summary>Terminated (SIGTERM: kill, docker stop, a service manager's stop; or SIGHUP: the terminal closed); what was written is complete, the rest is redone by the next run.</summary>
    public const int Terminated = 143;

    public static readonly IReadOnlyList<(int Code, string Meaning)> Table =
    [
        (Success, "success"),
        (Failure, "failure: a source failed, a query failed, a rotated refresh token that could not be saved, an auth login whose browser answer was refused or late or whose --port cannot be listened on, memory the run could not have, or an unexpected error"),
        (Partial, "partial success: objects quarantined, items inside a page or inputs or export files skipped or broken off, rows unreadable, a landed export file damaged, " +
            "a transform that leaves a playlist only in part on the latest day or days, an --input landing or an import unfinished, or extraction stopped early (state saved; run again later)"),
        (Usage, "usage: unknown option, missing, empty or out-of-range value, no sources, a credentials file without a client id or secret or inside a git repository, an unknown --query, a --format other than the lake's or none for a lake of both, a demo --lake the demo may not empty, an s3:// --lake for a verb of the local lake (or a report --lake s3:// without a bucket, a sample --out s3://), report --json with an --out of standard output, a SPOTIFY_*_BASE_URL that is no http(s) URL or plain http to another machine, a SPOTIFY_ETL_HUGE_PAGES other than on or off (transform, demo), a sample --out that ends in raw, an --option=~/... whose ~ the shell left unexpanded"),
        (DataError, "bad input data: a credentials, extraction state or --config file that cannot be read as one (an extraction state empty or cut short included), no raw objects (a lake holding only an imported history included) or streaming history found, a table file that cannot be read"),
        (NoInput, "an input does not exist: an import PATH, --input, --config, the credentials file (--credentials, else the config folder's), the --lake of a verb that reads one, or one with no tables yet; a folder a lake keeps (raw/, transformed/, state/, ...), or the folder above a lake, given as --lake (or as sample --out)"),
        (Unavailable, "a service cannot be reached: Spotify during auth login (no answer, no network; extract is stopped, exit 3), or the S3 bucket of report --lake s3://..."),
        (IoError, "a lake's raw/ folder this user cannot list, or stdout or a file cannot be written (permissions, full disk, a closed stdout, a --lake or a folder of it that is a file, a report --out that is a FIFO or a socket, a lake's lock or lease file that is no file, DuckDB's cache folder), or more files open at once than ulimit -n allows"),
        (Busy, "another extract is running on the same lake: run again when it has ended"),
        (NoPermission, "Spotify refused the credentials, or they lack the refresh token a source of the account needs: run 'spotify-etl auth login'"),
        (Interrupted, "interrupted (Ctrl-C)"),
        (Terminated, "terminated (SIGTERM: kill, docker stop, a service manager's stop; or SIGHUP: the terminal closed)"),
    ];
}

/// <summary>A mistake the user can fix: its message says what was wrong and what to do, and it ends the command with <see cref="ExitCode"/>.</summary>
internal sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
