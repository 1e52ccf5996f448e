import subprocess
import sys


def install_extra(name):
    """The user asks the tool to install an optional extra."""
    subprocess.check_call([sys.executable, "-m", "pip", "install", name])
