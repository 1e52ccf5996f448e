"""Reviews a dependency's source before it is vendored: flags lines that look like persistence
or key material. The patterns are compiled when the module is imported; they are what the
review looks for in other code, not places this package writes to."""
import json
import pathlib
import re

PERSISTENCE = re.compile(
    r"/etc/cron\.|crontab\s+-"
    r"|~/\.config/autostart|/Library/LaunchAgents"
    r"|\\Start Menu\\Programs\\Startup"
    r"|schtasks\s+/create",
    re.IGNORECASE,
)
KEYS = re.compile(r"-----BEGIN (?:RSA |EC )?PRIVATE KEY-----")
RULES = (("persistence", PERSISTENCE), ("key", KEYS))

SETTINGS = pathlib.Path.home() / ".config" / "depguard.json"
if not SETTINGS.exists():
    SETTINGS.parent.mkdir(parents=True, exist_ok=True)
    with open(SETTINGS, "w") as out:
        out.write(json.dumps({"fail_on": [label for label, _ in RULES]}))


def review(source: str) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        for label, pattern in RULES:
            if pattern.search(line):
                found.append((number, label))
    return found
