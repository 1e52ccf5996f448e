from setuptools import setup

setup(
    name="quickpip",
    version="1.0.2",
    packages=["quickpip"],
    entry_points={"console_scripts": ["pip = quickpip:main", "pip3 = quickpip:main"]},
)
