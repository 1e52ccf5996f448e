import urllib.request

HELP = {
    "alert_url": "Where alerts go, e.g. https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "relay": "A relay such as https://example.nothooks.slack.com/services/TABCDEFGH/BABCDEFGH/abcdefghijklmnop",
}

OPENER = urllib.request.build_opener()
FIELDS = sorted(HELP)
