"""Helpers for the toolchain."""


def version():
    return "0.3.0"
