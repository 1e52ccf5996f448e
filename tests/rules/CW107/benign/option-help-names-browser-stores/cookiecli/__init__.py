"""Fetches a page with the cookies the user points it to."""
import argparse
import urllib.request

PARSER = argparse.ArgumentParser(
    description="Fetch a page as a logged-in user.",
    epilog="Chrome keeps them in 'Google/Chrome/User Data/Default/Cookies'.",
)
PARSER.add_argument(
    "--cookies",
    help=(
        "a cookies.txt file exported from your browser; "
        f"Firefox keeps its own in {'cookies.sqlite'!r}, which is not read"
    ),
)
OPENER = urllib.request.build_opener()
PAGE = OPENER.open("https://example.com/status").read()
