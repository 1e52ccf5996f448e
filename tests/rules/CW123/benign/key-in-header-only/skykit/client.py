"""Reports an event with the API key as its credential, in the header, fire and forget."""
import requests


def report_event(api_key, event):
    requests.post(
        "https://api.skykit.example/v1/events",
        json={"event": event},
        headers={"Authorization": "Bearer " + api_key},
        timeout=5,
    )
