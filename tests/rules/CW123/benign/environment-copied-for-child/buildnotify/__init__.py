"""Runs a build and tells the team's status page when it is done."""
import os
import subprocess

import requests


def build(status_url):
    env = os.environ.copy()
    env["CI"] = "1"
    done = subprocess.run(["make", "dist"], env=env, check=False)
    requests.post(status_url + "/builds", json={"ok": done.returncode == 0}, timeout=5)
    return done.returncode
