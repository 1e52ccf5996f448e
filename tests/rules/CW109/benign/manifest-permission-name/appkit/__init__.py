import json
import pathlib

PERMISSIONS = {"clipboardWrite": "Lets the app put text on the clipboard"}


def describe(permission):
    return PERMISSIONS.get(permission, "")


KNOWN = sorted(PERMISSIONS)
