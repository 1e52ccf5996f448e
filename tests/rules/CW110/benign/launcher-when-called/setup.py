import subprocess
from setuptools import setup

subprocess.run("make -C docs html && echo done", shell=True, check=False)
setup(name="docsview", version="1.1", packages=["docsview"])
