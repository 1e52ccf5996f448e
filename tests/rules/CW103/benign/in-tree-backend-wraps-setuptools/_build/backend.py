import subprocess

from setuptools import build_meta as _base
from setuptools.build_meta import *  # noqa: F403


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    subprocess.run(["cmake", "--build", "native"], check=True)
    return _base.build_wheel(wheel_directory, config_settings, metadata_directory)
