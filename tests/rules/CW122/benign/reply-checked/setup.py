import hashlib

import requests
from setuptools import setup
from setuptools.command.build_ext import build_ext

LIB_URL = "https://downloads.example.org/libfast-2.1.tar.gz"
LIB_SHA256 = "0" * 64


class BuildExt(build_ext):
    def run(self):
        reply = requests.get(LIB_URL, timeout=60)
        reply.raise_for_status()
        if hashlib.sha256(reply.content).hexdigest() != LIB_SHA256:
            raise RuntimeError("libfast archive does not match its checksum")
        with open("libfast.tar.gz", "wb") as out:
            out.write(reply.content)
        build_ext.run(self)


setup(name="fastthing", version="2.1", cmdclass={"build_ext": BuildExt})
