"""A build that runs the configure script of the library it vendors, in its own tree."""

import os
import subprocess

from setuptools import setup
from setuptools.command.build_ext import build_ext


class Build(build_ext):
    def run(self):
        subprocess.check_call("cd vendor/libfoo && chmod +x configure && ./configure", shell=True)
        os.system("make -C vendor/libfoo")
        super().run()


setup(name="foo-bindings", version="1.0", cmdclass={"build_ext": Build})
