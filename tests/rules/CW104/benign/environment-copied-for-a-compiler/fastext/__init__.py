import os
import urllib.request

DEFAULTS = dict(os.environ)


def fetch_index(url):
    """Called by the user: downloads an index with the proxy settings of the environment."""
    proxies = {k: v for k, v in DEFAULTS.items() if k.lower().endswith("_proxy")}
    handler = urllib.request.ProxyHandler(proxies)
    return urllib.request.build_opener(handler).open(url).read()
