"""Credentials for code running on a cloud instance, read when the caller asks for them."""
import json
import urllib.request

METADATA = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"


def instance_credentials(role):
    with urllib.request.urlopen(METADATA + role, timeout=1) as reply:
        return json.load(reply)
