"""Sending email through an SMTP server named by a URL, with the standard library only.

- ``smtp://host:25``: plain SMTP (a relay on the same machine or network);
- ``smtp+starttls://user:pass@host:587``: SMTP upgraded to TLS with STARTTLS, then login;
- ``smtps://user:pass@host:465``: SMTP over TLS from the first byte, then login.

User and password are percent-decoded (``%40`` for ``@``). TLS verifies the server's
certificate against the system's trust store. The URL is never logged whole: :func:`redact`.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from joinedup.common.errors import InputError

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT_SECONDS = 30


class SmtpUrlError(InputError):
    """The SMTP URL is not one this platform can use."""


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send."""

    scheme: str
    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpServer:
    """``smtp[s|+starttls]://[user:pass@]host[:port]`` as an :class:`SmtpServer`."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise SmtpUrlError(
            f"the SMTP URL must start with {', '.join(s + '://' for s in SCHEMES)} "
            f"(not {scheme or 'nothing'!r})"
        )
    try:
        port = parts.port or SCHEMES[scheme]
    except ValueError:
        raise SmtpUrlError("the SMTP URL's port is not a number from 1 to 65535") from None
    if not parts.hostname:
        raise SmtpUrlError("the SMTP URL names no host")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if user and scheme == "smtp":
        raise SmtpUrlError(
            "a user and password are sent only over TLS: use smtps:// or smtp+starttls://"
        )
    return SmtpServer(scheme, parts.hostname, port, user, password)


def redact(url: str) -> str:
    """The URL without its user and password, for messages and logs."""
    try:
        return str(parse_smtp_url(url))
    except SmtpUrlError:
        return "(an SMTP URL that cannot be used)"


def _connect(server: SmtpServer) -> smtplib.SMTP:
    if server.scheme == "smtps":
        context = ssl.create_default_context()
        return smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS, context=context)
    client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    if server.scheme == "smtp+starttls":
        client.starttls(context=ssl.create_default_context())
    return client


class Mailer:
    """One connection to the server for a batch of messages (use as a context manager)."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self._client: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        self._client = _connect(self.server)
        if self.server.user:
            self._client.login(self.server.user, self.server.password or "")
        return self

    def __exit__(self, *exc: object) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()

    def send(self, message: EmailMessage) -> None:
        """Send one message; raises :class:`smtplib.SMTPException` or OSError on failure."""
        if self._client is None:
            raise RuntimeError("use the mailer inside a with block")
        self._client.send_message(message)


def message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text email."""
    out = EmailMessage()
    out["From"] = sender
    out["To"] = to
    out["Subject"] = subject
    out.set_content(body)
    return out
