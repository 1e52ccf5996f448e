"""Runs Python code in a WebAssembly sandbox. The sandbox's interpreter gets its standard
library from a zip of compiled modules that the package ships as data and hands to the
sandbox; the host interpreter never imports from it."""
from importlib.resources import files


def stdlib_zip() -> bytes:
    return (files(__name__) / "runtime" / "stdlib.zip").read_bytes()
