"""Build a C library from its release tarball when asked to."""

import subprocess
import tarfile
import urllib.request


def build_library(url, workdir):
    """Download the sources, unpack them and run ``make`` in them."""

    def fetch(target):
        with urllib.request.urlopen(url) as reply, open(target, "wb") as out:
            out.write(reply.read())

    def compile_sources():
        subprocess.check_call(["make", "-C", workdir])

    archive = workdir + ".tar.gz"
    fetch(archive)
    with tarfile.open(archive) as sources:
        sources.extractall(workdir, filter="data")
    compile_sources()
