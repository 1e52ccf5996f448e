"""A cookie jar for an HTTP client.

Cookies are kept like a browser keeps them (Firefox, Chrome): per domain and path.
"""

import urllib.request

OPENER = urllib.request.build_opener()


class Jar:
    """Holds public web data and Login Data forms sent back to the server, like Opera does."""

    def __init__(self):
        self.items = {}
