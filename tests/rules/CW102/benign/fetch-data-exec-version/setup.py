"""A build that downloads a data table and reads its version from its own source."""

import urllib.request

from setuptools import setup

with open("data/table.csv", "wb") as out:
    out.write(urllib.request.urlopen("https://data.example.invalid/table.csv").read())

about = {}
exec(open("src/tablekit/_version.py").read(), about)
setup(name="tablekit", version=about["__version__"])
