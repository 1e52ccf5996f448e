"""Build script that fetches a source tarball and unpacks it with a named tool."""
import subprocess
import urllib.request

from setuptools import setup

archive, _ = urllib.request.urlretrieve("https://downloads.example.org/libthing-2.1.tar.gz")
subprocess.check_call(["tar", "xzf", archive, "-C", "vendor"])

setup(name="pylibthing", version="2.1.0", packages=[])
