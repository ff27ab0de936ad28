"""Database triggers that make source records and audit rows append-only.

Enforced by the database itself, so neither the application nor a careless script can edit
history. An attacker with DDL rights can drop, disable or rewrite the triggers: the audit
chain's MACs and the checkpoint outside the database detect what they then change,
:func:`problems` reads the database's catalogue (``sqlite_master``, ``pg_trigger``) so that
``joinedup audit verify`` reports the triggers themselves, and :func:`restore` (run by
``joinedup init``) puts them back.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

APPEND_ONLY_TABLES = ("source_record", "audit_event")

_PG_BODY = """
BEGIN
  RAISE EXCEPTION 'joinedup: % on % is refused: rows are append-only', TG_OP, TG_TABLE_NAME;
END
"""
_PG_FUNCTION = (
    "\nCREATE OR REPLACE FUNCTION joinedup_refuse_change() RETURNS trigger LANGUAGE plpgsql "
    f"AS $${_PG_BODY}$$\n"
)


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


def _events(match: re.Match[str]) -> str:
    return "before " + " or ".join(sorted(match.group(1).split(" or "))) + " on"


def _normal(sql: str) -> str:
    """A definition in one canonical form: spaces, case and the order of its events."""
    plain = re.sub(r"\s+", " ", sql).strip().rstrip(";").lower()
    return re.sub(r"before ((?:\w+ or )*\w+) on", _events, plain)


def _expected(dialect: str, table: str) -> dict[str, str]:
    """Trigger name -> its definition as the catalogue shows it (normalised)."""
    if dialect == "postgresql":
        statements = create_statements(dialect, table)[1:]  # after the function
        return {s.split()[2]: _normal(s) for s in statements}
    return {s.split()[2]: _normal(s) for s in create_statements(dialect, table)}


def _catalogue(connection: Connection) -> dict[str, tuple[str, str, bool, str | None]]:
    """Trigger name -> (table, normalised definition, enabled, function body) of the triggers
    on the append-only tables."""
    tables = {"tables": list(APPEND_ONLY_TABLES)}
    found: dict[str, tuple[str, str, bool, str | None]] = {}
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid), t.tgenabled, p.prosrc, "
                "n.nspname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE NOT t.tgisinternal AND n.nspname = current_schema() "
                "AND c.relname = ANY(:tables)"
            ),
            tables,
        )
        for name, table, definition, enabled, body, schema in rows:
            plain = definition.replace(f" ON {schema}.{table} ", f" ON {table} ")
            found[name] = (table, _normal(plain), enabled in ("O", "A"), body)
        return found
    for name, table, sql in connection.execute(
        text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
    ):
        if table in APPEND_ONLY_TABLES:
            found[name] = (table, _normal(sql or ""), True, None)
    return found


def problems(connection: Connection) -> list[str]:
    """What is wrong with the append-only triggers (missing, disabled, rewritten), one
    sentence each; empty when they are all in place."""
    dialect = connection.dialect.name
    found = _catalogue(connection)
    out: list[str] = []
    for table in APPEND_ONLY_TABLES:
        for name, definition in _expected(dialect, table).items():
            if name not in found:
                out.append(f"trigger {name} on {table} is missing (dropped)")
                continue
            _table, actual, enabled, body = found[name]
            if actual != definition:
                out.append(f"trigger {name} on {table} was redefined")
            elif not enabled:
                out.append(f"trigger {name} on {table} is disabled")
            elif body is not None and _normal(body) != _normal(_PG_BODY):
                out.append(f"trigger {name} on {table} calls a function that was rewritten")
    return out


def restore(connection: Connection) -> list[str]:
    """Re-create the triggers of every append-only table whose triggers have a problem;
    returns the names of the triggers put back (empty when nothing was wrong)."""
    dialect = connection.dialect.name
    broken = problems(connection)
    restored: list[str] = []
    for table in APPEND_ONLY_TABLES:
        if not any(f" on {table} " in p for p in broken):
            continue
        for sql in drop_statements(dialect, table) + create_statements(dialect, table):
            connection.execute(text(sql))
        restored.extend(_expected(dialect, table))
    return restored
