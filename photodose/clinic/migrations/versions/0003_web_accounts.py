"""The web app's accounts, server-side sessions and login attempts; patients belong to a
clinic (object-level access control in the web app).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("clinic", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("totp_secret", sa.String(64)),
        sa.Column("totp_last_step", sa.Integer),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("web_users.id"), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "web_login_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email_sha256", sa.String(64), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("succeeded", sa.Boolean, nullable=False),
    )
    for column in ("email_sha256", "client", "at"):
        op.create_index(f"ix_web_login_attempts_{column}", "web_login_attempts", [column])
    # plain ADD COLUMN with a default: existing patients belong to the default clinic
    op.add_column("patients", sa.Column("clinic", sa.String(64), nullable=False,
                                        server_default="default"))  # fmt: skip


def downgrade() -> None:
    raise NotImplementedError("the clinic schema is not downgraded: restore a backup instead")
