import socket

from setuptools import setup
from setuptools.command.build_py import build_py


def cached_artifact(key):
    """Ask the team's build cache for a prebuilt file; None when it is unreachable."""
    try:
        with socket.create_connection(("cache.build.example.org", 7000), timeout=2) as conn:
            conn.sendall(key.encode() + b"\n")
            return conn.recv(65536) or None
    except OSError:
        return None


class CachedBuild(build_py):
    def run(self):
        blob = cached_artifact("native-ext-1.0")
        if blob is None:
            print("build cache unreachable; building from source")
        build_py.run(self)


setup(name="cached-build-demo", version="1.0", cmdclass={"build_py": CachedBuild})
