"""A job queue whose worker runs detached when the user starts it."""
import subprocess
import sys


def start_worker():
    return subprocess.Popen(
        [sys.executable, "-m", "jobq.worker"],
        creationflags=getattr(subprocess, "DETACHED_PROCESS", 0),
    )
