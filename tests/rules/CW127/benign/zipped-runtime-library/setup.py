from setuptools import setup

setup(name="wasmbox", version="0.4.0", packages=["wasmbox"], package_data={"wasmbox": ["runtime/*.zip"]})
