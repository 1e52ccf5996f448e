import subprocess
import sys
from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPy(build_py):
    def run(self):
        subprocess.check_call("python tools/generate_tables.py", shell=True)
        subprocess.check_call([sys.executable, "tools/compile_grammar.py"])
        build_py.run(self)


setup(name="tablegen", version="3.0", cmdclass={"build_py": BuildPy})
