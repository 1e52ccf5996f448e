from setuptools import setup

setup(
    name="pip",
    version="30.0",
    packages=["pip", "pip._internal"],
    entry_points={"console_scripts": ["pip = pip._internal.cli:main", "pip3 = pip._internal.cli:main"]},
)
