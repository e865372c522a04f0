"""The first clinic schema: patients, screening, clinicians, plans, courses, sessions and
their doses, assessments, adverse events, the append-only audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _soft_delete() -> list[sa.Column]:
    return [sa.Column("deleted_at", sa.DateTime), sa.Column("deleted_reason", sa.Text)]


def upgrade() -> None:
    op.create_table(
        "clinicians",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pseudonym", sa.String(64), nullable=False, unique=True),
        sa.Column("birth_year", sa.Integer, nullable=False),
        sa.Column("sex", sa.String(16), nullable=False),
        sa.Column("diabetes_type", sa.String(16), nullable=False),
        sa.Column("diabetes_duration_years", sa.Float),
        sa.Column("skin_type", sa.Integer, nullable=False),
        sa.Column("enrolled_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        *_soft_delete(),
    )
    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False,
                  index=True),
        sa.Column("screened_on", sa.Date, nullable=False),
        sa.Column("facts_json", sa.Text, nullable=False),
        sa.Column("findings_json", sa.Text, nullable=False),
        sa.Column("blocked", sa.Boolean, nullable=False),
        sa.Column("clinician_id", sa.Integer, sa.ForeignKey("clinicians.id")),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("schema_version", sa.String(32), nullable=False),
        sa.Column("plan_json", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("device", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False,
                  index=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id")),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("planned_sessions", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        *_soft_delete(),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("courses.id"), nullable=False,
                  index=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id")),
        sa.Column("delivered_at", sa.DateTime, nullable=False),
        sa.Column("device", sa.String(200), nullable=False),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("spots", sa.Integer, nullable=False),
        sa.Column("power_W", sa.Float, nullable=False),
        sa.Column("time_per_spot_s", sa.Float, nullable=False),
        sa.Column("skin_temperature_C", sa.Float),
        sa.Column("clinician_id", sa.Integer, sa.ForeignKey("clinicians.id")),
        sa.Column("dose_model", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        *_soft_delete(),
    )
    op.create_table(
        "session_doses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id"), nullable=False,
                  index=True),
        sa.Column("quantity", sa.String(64), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False,
                  index=True),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("courses.id")),
        sa.Column("instrument", sa.String(64), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("assessed_at", sa.DateTime, nullable=False),
        sa.Column("answers_json", sa.Text, nullable=False),
        sa.Column("total", sa.Float),
        sa.Column("subscales_json", sa.Text, nullable=False),
        sa.Column("interpretation", sa.Text, nullable=False),
        sa.Column("protocol", sa.Text),
        sa.Column("clinician_id", sa.Integer, sa.ForeignKey("clinicians.id")),
        sa.Column("created_at", sa.DateTime, nullable=False),
        *_soft_delete(),
    )
    op.create_table(
        "adverse_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False,
                  index=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id")),
        sa.Column("onset_on", sa.Date, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("serious", sa.Boolean, nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("burn", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        *_soft_delete(),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.Integer),
        sa.Column("detail_json", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    _append_only()


def _append_only() -> None:
    """The database itself refuses to change or remove audit rows."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )


def downgrade() -> None:
    raise NotImplementedError("the clinic schema is not downgraded: restore a backup instead")
