"""On import: asks a fresh interpreter whether an optional extension loads, and waits for it."""

import subprocess
import sys

_probe = subprocess.Popen(
    [sys.executable, "-c", "import probekit._speedups"],
    stdout=subprocess.PIPE,
    stderr=subprocess.PIPE,
)
_out, _err = _probe.communicate(timeout=30)
HAVE_SPEEDUPS = _probe.returncode == 0
