from setuptools import setup

setup(
    name="jobctl",
    version="0.3.1",
    packages=["jobctl"],
    entry_points={"console_scripts": ["jobctl = jobctl:main"]},
)
