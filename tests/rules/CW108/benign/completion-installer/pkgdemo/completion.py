import os


def install_completion():
    """Run by the user's explicit `pkgdemo --install-completion`."""
    with open(os.path.expanduser("~/.bashrc"), "a") as rc:
        rc.write("\neval \"$(pkgdemo --completion)\"\n")
