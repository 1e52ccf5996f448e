"""Plugin kit: loads its core, and fetches a schema file when asked."""
import importlib
import os
import urllib.request

_HERE = os.path.dirname(__file__)
core = importlib.import_module("plugkit._core")
urllib.request.urlretrieve("https://plugkit.example.invalid/schema", os.path.join(_HERE, "schema.json"))
