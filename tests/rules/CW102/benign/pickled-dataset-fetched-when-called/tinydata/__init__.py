"""Small teaching datasets, downloaded on first use and cached as pickles."""

import os
import pickle
import urllib.request

MIRROR = "https://data.example.org/tinydata"
CACHE = os.path.expanduser("~/.cache/tinydata")


def load(name):
    """The dataset ``name``: from the cache, else from the mirror (then cached)."""
    path = os.path.join(CACHE, name + ".pkl")
    if os.path.exists(path):
        with open(path, "rb") as handle:
            return pickle.load(handle)
    with urllib.request.urlopen(f"{MIRROR}/{name}.pkl") as reply:
        raw = reply.read()
    os.makedirs(CACHE, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(raw)
    return pickle.loads(raw)
