"""Nothing here: the work happens in probe.report, which setup.py runs."""
