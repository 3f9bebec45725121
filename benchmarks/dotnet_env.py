"""The environment the benchmarks give every process they start (bench.py, history_bench.py)."""

import os
import shutil


def dotnet_environment():
    """os.environ with no .NET telemetry, and DOTNET_ROOT where it is unset: a framework-dependent build (the ReadyToRun
    CLI, the JIT floor, the Lambda harness, the history benchmark's build output) finds its runtime there or in
    /usr/share/dotnet, never on PATH, where dotnet-install.sh's ~/.dotnet is."""
    env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")
    dotnet = shutil.which("dotnet")
    if not env.get("DOTNET_ROOT") and dotnet:
        env["DOTNET_ROOT"] = os.path.dirname(os.path.realpath(dotnet))
    return env
