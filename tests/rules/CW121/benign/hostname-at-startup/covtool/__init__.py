"""Starts measuring in every process when the environment asks for it."""
import os
import socket


def process_startup():
    if os.environ.get("COVTOOL_PROCESS_START"):
        suffix = "%s.%d" % (socket.gethostname(), os.getpid())
        return ".covtool." + suffix
    return None
