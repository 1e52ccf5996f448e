"""Release smoke test: installs the newest published version into a fresh virtual environment.
The index's answer picks the version; the program run is the environment's own pip."""

import subprocess
import sys
import tempfile
from pathlib import Path

import requests


def install_latest(project: str) -> int:
    info = requests.get(f"https://pypi.example.org/pypi/{project}/json", timeout=30).json()
    latest = info["info"]["version"]
    with tempfile.TemporaryDirectory() as tmp:
        env = Path(tmp) / "env"
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        pip = env / "bin" / "pip"
        done = subprocess.run([str(pip), "install", f"{project}=={latest}"], check=False)
        return done.returncode
