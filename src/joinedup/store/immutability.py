"""Database triggers that make source records and audit rows append-only.

Enforced by the database itself, so neither the application nor a careless script can edit
history. (An attacker with DDL rights can drop the triggers; the audit chain's MACs and the
checkpoint outside the database detect what they then change.)
"""

from __future__ import annotations

APPEND_ONLY_TABLES = ("source_record", "audit_event")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION joinedup_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'joinedup: % on % is refused: rows are append-only', TG_OP, TG_TABLE_NAME;
END
$$
"""


def create_statements(dialect: str, table: str) -> list[str]:
    """SQL that installs the append-only triggers on ``table``."""
    if dialect == "postgresql":
        return [
            _PG_FUNCTION,
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION joinedup_refuse_change()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION joinedup_refuse_change()",
        ]
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} BEGIN "
            f"SELECT RAISE(ABORT, 'joinedup: {verb} on {table} is refused: rows are append-only'); "
            "END"
            for verb in ("UPDATE", "DELETE")
        ]
    raise NotImplementedError(f"no append-only triggers for dialect {dialect!r}")


def drop_statements(dialect: str, table: str) -> list[str]:
    """SQL that removes the triggers (downgrade; tests simulating an attacker)."""
    if dialect == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        ]
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_{v} " for v in ("update", "delete")]
    raise NotImplementedError(f"no append-only triggers for dialect {dialect!r}")
