from telemetry.client import Reporter

reporter = Reporter("collector.example.net")


def report_usage():
    """Called by the user who opted in."""
    return reporter.announce()
