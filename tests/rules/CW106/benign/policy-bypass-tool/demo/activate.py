"""Runs the environment's own activation script on Windows, when asked to."""
import subprocess


def activate(script_path):
    argv = ["powershell", "-NoProfile", "-ExecutionPolicy", "Bypass", "-File", script_path]
    return subprocess.call(argv)
