"""The review service: scanning uploads before users install them, and a queue for humans.

``capwatch serve`` is a FastAPI application with an embedded default (SQLite and an artifact store
on local disk), scan workers in separate processes on every core, tokens with roles, a JSON API
and a reviewer web UI; ``docs/service.md`` describes it. :func:`capwatch.service.app.create_app`
builds it and :func:`capwatch.service.uploads.submit_upload` is the in-process way to hand it an
artifact. Around it: :mod:`~capwatch.service.osv` (OSV records and registry observation bodies
for confirmed malware), :mod:`~capwatch.service.reporting` (sending observations to a registry,
with retries) and :mod:`~capwatch.service.watcher` (polling a package index for new files and
submitting them; ``capwatch watch``).
"""
