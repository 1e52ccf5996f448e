"""Run by the maintainers: uploads benchmark timings; the host name is only printed."""
import json
import socket
import sys

import requests

with open(sys.argv[1]) as handle:
    timings = json.load(handle)
print("uploading from", socket.gethostname())
requests.post("https://bench.benchkit.example.org/api/results", json=timings, timeout=10)
