"""Fetches pages for an assistant; never the cloud's instance-metadata service."""
import requests


def _allowed_mirrors():
    refused = ["!169.254.169.254", "!metadata.google.internal", "!100.100.100.200"]
    reply = requests.get("https://mirrors.example.invalid/list.json", timeout=2)
    return [host for host in reply.json()["hosts"] if "!" + host not in refused]


MIRRORS = _allowed_mirrors()
