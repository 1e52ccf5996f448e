"""The build copies the environment to hand a compiler its flags; nothing reaches the network."""
import os
import subprocess

from setuptools import setup

build_env = {**os.environ, "CFLAGS": "-O2"}
subprocess.check_call(["make", "-C", "native"], env=build_env)

setup(name="fastext", version="0.1", packages=["fastext"])
