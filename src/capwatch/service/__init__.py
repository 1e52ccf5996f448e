"""The review service: ``capwatch serve``.

A FastAPI application with an embedded default (SQLite and an artifact store on local disk),
scan workers in separate processes on every core, tokens with roles, a JSON API and a reviewer
web UI. ``docs/service.md`` describes it; :func:`capwatch.service.app.create_app` builds it and
:func:`capwatch.service.uploads.submit_upload` is the in-process way to hand it an artifact.
"""
