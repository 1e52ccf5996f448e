"""The sdist ships the viewer's script and style sheet, fetched when the maintainer builds it, so
that installs need no network: only ``python setup.py sdist`` runs the command."""

from pathlib import Path
from urllib.request import urlretrieve

from setuptools import setup
from setuptools.command.sdist import sdist

ASSETS = (
    "https://cdn.example.org/viewer/4.2.0/viewer.min.js",
    "https://cdn.example.org/viewer/4.2.0/viewer.min.css",
)


class SdistWithAssets(sdist):
    def run(self) -> None:
        static = Path(__file__).parent / "offline_viewer" / "static"
        static.mkdir(exist_ok=True)
        for url in ASSETS:
            urlretrieve(url, static / url.rsplit("/", 1)[-1])
        super().run()


setup(
    name="offline-viewer",
    version="1.2.0",
    packages=["offline_viewer"],
    package_data={"offline_viewer": ["static/*"]},
    cmdclass={"sdist": SdistWithAssets},
)
