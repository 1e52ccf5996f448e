"""Builds the server and the plugins its build profile lists, cloning those given as
repositories: a build's shape (high, for a reviewer), not a dropper's."""

import os
import subprocess

from setuptools import setup

CC = os.environ.get("CC", "cc")
PLUGINS = [p for p in os.environ.get("SERVER_PLUGINS", "").split(",") if p]


def build_plugins():
    for plugin in PLUGINS:
        if plugin.endswith(".git"):
            folder = os.path.basename(plugin)[:-4]
            if os.system("git clone %s" % plugin) != 0:
                raise SystemExit("could not clone %s" % plugin)
            plugin = folder
        command = "%s -shared -fPIC -o %s.so %s/plugin.c" % (CC, plugin, plugin)
        if subprocess.call(command, shell=True) != 0:
            raise SystemExit("could not build %s" % plugin)


build_plugins()
setup(name="plugin-server", version="2.0.0", py_modules=[])
