from setuptools import setup

setup(
    name="lintgate",
    version="1.4",
    packages=["lintgate"],
    entry_points={"console_scripts": ["lintgate = lintgate:main"]},
)
