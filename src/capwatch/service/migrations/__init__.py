"""Alembic migrations of the service database, run by :func:`capwatch.service.database.migrate`."""
