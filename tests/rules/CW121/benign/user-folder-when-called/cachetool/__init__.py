"""A per-user cache folder, made when the tool first needs it."""

import getpass
import os


def cache_dir():
    folder = f"/home/{getpass.getuser()}/.cache/cachetool"
    os.makedirs(folder, exist_ok=True)
    return folder
