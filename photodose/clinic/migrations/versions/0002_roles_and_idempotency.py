"""Audit rows name the actor's role (for the web app's roles); a session can carry an
idempotency key so that a retried write is refused instead of recorded twice.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no table copy): SQLite allows it, and the audit triggers stay
    op.add_column("audit_log", sa.Column("actor_role", sa.String(32)))
    op.add_column("sessions", sa.Column("idempotency_key", sa.String(64)))
    op.create_index("ix_sessions_idempotency_key", "sessions", ["idempotency_key"], unique=True)


def downgrade() -> None:
    raise NotImplementedError("the clinic schema is not downgraded: restore a backup instead")
