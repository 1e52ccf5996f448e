"""Alembic environment: runs on the connection :func:`capwatch.service.database.migrate` passes."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from capwatch.service.schema import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run migrations through capwatch.service.database.migrate")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
