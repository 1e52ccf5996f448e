import os
from urllib.request import urlopen

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_URL = "https://data.example.org/tables/zones-2024.json"


class Build(build_py):
    def run(self):
        target = os.path.join("zones", "data", "zones.json")
        if not os.path.exists(target):
            body = urlopen(DATA_URL).read()
            with open(target, "wb") as out:
                out.write(body)
        build_py.run(self)


setup(name="zones", version="2024.1", packages=["zones"], cmdclass={"build_py": Build})
