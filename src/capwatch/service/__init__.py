"""The review service: scanning uploads before users install them, and a queue for humans.

Modules: :mod:`~capwatch.service.osv` (OSV records and registry observation bodies for confirmed
malware), :mod:`~capwatch.service.reporting` (sending observations to a registry, with retries),
:mod:`~capwatch.service.watcher` (polling a package index for new files and submitting them).
"""
