"""Builds a few projects that depend on this backend with the working copy of it: clone each,
build a wheel, install it in a scratch environment and run its tests."""

import os
import subprocess
import sys
import tempfile

PROJECTS = {
    "tidyfmt": "https://git.example.org/tidyfmt.git",
    "smallcli": "https://git.example.org/smallcli.git",
}


def check(name, url, backend):
    work = tempfile.mkdtemp(prefix=f"{name}-")
    repo = os.path.join(work, "repo")
    subprocess.check_call(["git", "clone", "-q", "--depth", "1", url, repo])
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", backend])
    subprocess.check_call([sys.executable, "-m", "build", "--wheel", "-o", work, repo])
    subprocess.check_call([sys.executable, "-m", "pytest", "-q", os.path.join(repo, "tests")])


def main():
    backend = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for name, url in PROJECTS.items():
        check(name, url, backend)


if __name__ == "__main__":
    main()
