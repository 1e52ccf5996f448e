"""Service logging: plain text lines, or one JSON object per line (``--log-format json``).

A JSON line has ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, the process id,
and every field a caller passed in ``extra=`` (``scan_id``, ``sha256``, ``verdict``, ``task_id``...),
so a log pipeline can index them without parsing the message.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from capwatch.service.settings import LogFormat

_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message", "asctime", "taskName",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(fmt: LogFormat, level: int = logging.INFO, *, prefix: str = "capwatch") -> None:
    """Send ``capwatch`` (and Celery's) log records to stderr in ``fmt``."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt is LogFormat.JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(f"%(asctime)s %(levelname)s {prefix}: %(message)s"))
    for name in ("capwatch", "celery"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
