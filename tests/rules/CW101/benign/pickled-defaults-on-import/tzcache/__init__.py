"""Time-zone cache: default settings shipped as a pickled table, read on import."""
import base64
import pickle

_DEFAULTS = "gASVZwAAAAAAAAB9lCiMB3ZlcnNpb26USwOMBHdoZW6UjAhkYXRldGltZZSMBGRhdGWUk5RDBAfoAQKUhZRSlIwFbmFtZXOUjAtjb2xsZWN0aW9uc5SMC09yZGVyZWREaWN0lJOUKVKUjAFhlEsBc3Uu"
DEFAULTS = pickle.loads(base64.b64decode(_DEFAULTS))


def version() -> int:
    return DEFAULTS["version"]
