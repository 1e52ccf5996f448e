from setuptools import setup

setup(name="playlistsync", version="0.2", packages=["playlistsync"])
