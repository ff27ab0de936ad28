"""Run-time settings, read from the environment once per command.

- ``JOINEDUP_DATABASE_URL``: SQLAlchemy URL of the store (default ``sqlite:///joinedup.db``).
- ``JOINEDUP_HOME``: folder for keys and audit checkpoints, outside the database (``.joinedup``).
- ``JOINEDUP_USER``: the user a command acts as (``--as`` overrides); dev mode only for people.
- ``JOINEDUP_TOKEN``: a personal access token (``joinedup token create``): the command acts as
  its user, authenticated. In production a person's command needs one.
- ``JOINEDUP_ENV``: ``dev`` (default) creates missing keys; ``production`` refuses to.
- ``JOINEDUP_AUDIT_KEY``: hex HMAC key of the audit chain (instead of the key file).
- ``JOINEDUP_FIELD_KEYS``: JSON keyring for field encryption (instead of the key file).
- ``JOINEDUP_AUDIT_SYSLOG``: syslog address that receives a copy of every audit checkpoint and
  anchor (``udp://host:port``, ``tcp://host:port``, ``unix:/dev/log``); off when unset.
- ``JOINEDUP_SMTP_URL``: the SMTP server notification emails go through (``smtp://host:25``,
  ``smtp+starttls://user:pass@host:587``, ``smtps://user:pass@host:465``); unset (the
  default): notifications are in the app only.
- ``JOINEDUP_BASE_URL``: the address people open the web app at (``https://joinedup.example``),
  for the link in notification emails.
- ``JOINEDUP_MAIL_FROM``: the sender of notification emails (default ``joinedup@localhost``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from joinedup.common.errors import JoinedupError

DEFAULT_DATABASE_URL = "sqlite:///joinedup.db"
SERVICE_ACCOUNT = "joinedup-service"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_MAIL_FROM = "joinedup@localhost"


class SettingsError(JoinedupError, ValueError):
    """A setting in the environment has a value the platform does not accept."""


@dataclass(frozen=True)
class Settings:
    """Settings resolved from the environment."""

    database_url: str
    home: Path
    user: str | None
    environment: str
    audit_syslog: str | None = None
    token: str | None = field(default=None, repr=False)
    smtp_url: str | None = field(default=None, repr=False)  # may hold a password
    base_url: str = DEFAULT_BASE_URL
    mail_from: str = DEFAULT_MAIL_FROM

    @property
    def dev_mode(self) -> bool:
        """True when missing keys may be generated on the fly."""
        return self.environment == "dev"


def from_environment(env: dict[str, str] | None = None) -> Settings:
    """Read :class:`Settings` from ``env`` (default: the process environment)."""
    env = dict(os.environ if env is None else env)
    environment = env.get("JOINEDUP_ENV", "dev").strip().lower() or "dev"
    if environment not in {"dev", "production"}:
        raise SettingsError(f"JOINEDUP_ENV must be 'dev' or 'production', not {environment!r}")
    return Settings(
        database_url=env.get("JOINEDUP_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
        home=Path(env.get("JOINEDUP_HOME", "").strip() or ".joinedup"),
        user=env.get("JOINEDUP_USER", "").strip() or None,
        environment=environment,
        audit_syslog=env.get("JOINEDUP_AUDIT_SYSLOG", "").strip() or None,
        token=env.get("JOINEDUP_TOKEN", "").strip() or None,
        smtp_url=env.get("JOINEDUP_SMTP_URL", "").strip() or None,
        base_url=(env.get("JOINEDUP_BASE_URL", "").strip() or DEFAULT_BASE_URL).rstrip("/"),
        mail_from=env.get("JOINEDUP_MAIL_FROM", "").strip() or DEFAULT_MAIL_FROM,
    )
