from setuptools import setup

about = {}
with open("pkgdemo/__about__.py") as handle:
    exec(handle.read(), about)
setup(name="demo", version=about["__version__"])
