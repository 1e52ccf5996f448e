"""Retries failed HTTP requests for every session, by wrapping ``requests.Session.request``."""

import time

import requests

_request = requests.Session.request


def _with_retries(self, method, url, **kwargs):
    for attempt in range(3):
        response = _request(self, method, url, **kwargs)
        if response.status_code < 500:
            return response
        time.sleep(2**attempt)
    return response


requests.Session.request = _with_retries
