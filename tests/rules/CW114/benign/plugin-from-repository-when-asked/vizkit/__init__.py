"""Plot helpers. ``install_plugin`` installs a plugin the user names, from its repository,
when the user asks for it."""
import subprocess
import sys


def install_plugin(repository_url):
    """Install a plugin straight from its repository (``vizkit.install_plugin(url)``)."""
    subprocess.check_call([sys.executable, "-m", "pip", "install", f"git+{repository_url}"])
