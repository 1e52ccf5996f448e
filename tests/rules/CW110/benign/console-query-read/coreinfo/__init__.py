"""Counts physical cores once, when imported."""
import subprocess
import sys


def _windows_cores():
    result = subprocess.run(
        ["wmic", "CPU", "Get", "NumberOfCores", "/Format:csv"],
        capture_output=True,
        text=True,
        creationflags=subprocess.CREATE_NO_WINDOW,
    )
    return sum(int(row.split(",")[1]) for row in result.stdout.splitlines()[1:] if row)


def _cores():
    if sys.platform == "win32":
        return _windows_cores()
    return 1


CORES = _cores()
