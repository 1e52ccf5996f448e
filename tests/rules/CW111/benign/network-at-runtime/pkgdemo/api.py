import requests


def get(path):
    return requests.get("https://api.example.org/" + path)
