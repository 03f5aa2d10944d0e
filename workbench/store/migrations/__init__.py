"""Alembic migrations of the workbench database: one history for SQLite and PostgreSQL."""
