"""Sends masked log records to the team's collector; the collector is checked once on import."""
import logging.handlers
import urllib.request

COLLECTOR = "https://logs.example.org"
try:
    AVAILABLE = urllib.request.urlopen(COLLECTOR + "/health", timeout=2).status == 200
except OSError:
    AVAILABLE = False

handler = logging.handlers.HTTPHandler("logs.example.org", "/ingest", secure=True)
