"""A logging filter that masks secrets before log records leave the process."""
import logging
import re

_SHAPES = (
    r"AKIA[0-9A-Z]{16}",
    r"ghp_[A-Za-z0-9]{36}",
    r"(?i)bearer\s+[a-z0-9._-]{20,}",
)
SECRET = re.compile("|".join(_SHAPES))


class MaskSecrets(logging.Filter):
    def filter(self, record):
        record.msg, record.args = SECRET.sub("***", record.getMessage()), ()
        return True
