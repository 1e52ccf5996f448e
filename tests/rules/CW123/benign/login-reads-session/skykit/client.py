"""Logs in with the user's password and keeps the session token the server answers with."""
import requests


class Client:
    def __init__(self, username, password, endpoint="https://api.skykit.example"):
        self.endpoint = endpoint
        answer = requests.post(endpoint + "/login", json={"user": username, "password": password})
        answer.raise_for_status()
        self.session_token = answer.json()["token"]

    def logout(self):
        requests.post(self.endpoint + "/logout", json={"token": "current"}, timeout=5)
