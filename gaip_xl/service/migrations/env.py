"""Alembic's environment: the service runs migrations in-process on the connection it passes in."""

from alembic import context

from gaip_xl.service.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
