import subprocess
from typing import Optional

import httpx

LATEST = httpx.get("https://example.org/api/releases/latest").json()


class Server:
    process: Optional[subprocess.Popen] = None

    def describe(self):
        return LATEST.get("tag_name")
