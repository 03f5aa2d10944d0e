"""Alembic's entry point: run the revisions on the connection the store hands over.

The store (workbench.store.migrate) opens the connection, takes the write lock and owns the
transaction, so every revision of one upgrade commits together or not at all.
"""

from alembic import context

context.configure(connection=context.config.attributes["connection"], render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
