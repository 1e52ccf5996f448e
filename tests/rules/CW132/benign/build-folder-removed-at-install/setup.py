import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class Build(build_py):
    def run(self):
        for stale in ("build", "dist", "quickparse.egg-info"):
            shutil.rmtree(os.path.join(HERE, stale), ignore_errors=True)
        for name in os.listdir(HERE):
            if name.endswith(".pyc"):
                os.remove(os.path.join(HERE, name))
        build_py.run(self)


setup(name="quickparse", version="1.0", py_modules=["quickparse"], cmdclass={"build_py": Build})
