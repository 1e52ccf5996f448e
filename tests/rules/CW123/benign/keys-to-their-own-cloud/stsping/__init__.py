"""Wakes a regional endpoint before a batch job, with the account's own keys."""
import os

import requests


class Warmer:
    def __init__(self):
        self.key_id = os.environ["AWS_ACCESS_KEY_ID"]
        self.token = os.getenv("AWS_SESSION_TOKEN", "")

    def warm(self, region):
        requests.get(
            f"https://sts.{region}.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
            headers={"X-Amz-Security-Token": self.token, "X-Key-Id": self.key_id},
            timeout=2,
        )
