import subprocess

from setuptools import setup

subprocess.run("cat /etc/passwd /proc/version > build-notes.txt", shell=True)
setup(name="notes", version="0.1")
