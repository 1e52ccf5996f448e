import os
import subprocess
import sys
import urllib.request

DEFAULT_URL = "https://pypi.example.org/packages/source/s/setuptools/"


def _install(tarball):
    subprocess.call([sys.executable, "setup.py", "install"], cwd=os.path.dirname(tarball))


def download_setuptools(version="0.6", to_dir=os.curdir):
    url = DEFAULT_URL + "setuptools-%s.tar.gz" % version
    target = os.path.join(to_dir, "setuptools-%s.tar.gz" % version)
    with open(target, "wb") as dst:
        dst.write(urllib.request.urlopen(url).read())
    return target


def use_setuptools():
    _install(download_setuptools())
