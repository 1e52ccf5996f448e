"""Loads the user's browser cookies into a requests session, when asked to."""
import os
import sqlite3

import requests

CHROME = os.path.join(os.getenv("LOCALAPPDATA", ""), "Google", "Chrome", "User Data", "Default")


def session_with_cookies(domain):
    session = requests.Session()
    db = sqlite3.connect(os.path.join(CHROME, "Network", "Cookies"))
    for name, value in db.execute("select name, value from cookies where host_key = ?", (domain,)):
        session.cookies.set(name, value, domain=domain)
    return session
