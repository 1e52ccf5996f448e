import subprocess
import urllib.request


def download_and_build(url, dest):
    """Called explicitly by the user: fetch a source archive and build it."""
    urllib.request.urlretrieve(url, dest)
    subprocess.check_call(["make", "-C", dest])
